package dev.faasm.cli;

import dev.faasm.edge.Edge;
import dev.faasm.edge.EdgeConfig;
import dev.faasm.edge.Tenants;
import dev.faasm.protocol.Quota;
import dev.faasm.registry.UserDirectory;
import dev.faasm.metrics.PlatformMetrics;
import io.opentelemetry.api.OpenTelemetry;
import dev.faasm.metrics.RuntimeMetrics;
import dev.faasm.processor.FunctionSeeder;
import dev.faasm.processor.ProcessorConfig;
import dev.faasm.processor.ProcessorService;
import dev.faasm.processor.StateConfig;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of one platform process, started in dependency order and closed in reverse: an edge, a processor, or both
 * (dev mode).
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final KafkaSettings kafka;
  private final Topics topics;
  private final FunctionRuntime runtime;
  private final ResultStore store;
  private final FunctionRegistry registry;
  private final PlatformMetrics metrics;
  private final OpenTelemetry telemetry;
  private Edge edge;
  private ProcessorService processor;
  private UserDirectory users;
  private final String instanceId;

  /**
   * Who may use the edge: with {@code keys}, API keys from the users topic are required; {@code defaults} are the
   * quotas of users without their own ({@link Quota#UNSET} = unlimited).
   */
  public record Access(boolean keys, Quota defaults) {
    public static final Access OPEN = new Access(false, Quota.NONE);
  }

  /** A node whose spans go nowhere (tests, benchmarks). */
  public Node(
      KafkaSettings kafka, Topics topics, ResultStoreConfig storeConfig, RuntimeConfig runtimeConfig, Path funcRoot,
      String instanceId, boolean runsFunctions) {
    this(kafka, topics, storeConfig, runtimeConfig, funcRoot, instanceId, runsFunctions, OpenTelemetry.noop());
  }

  /** @param telemetry where the edge's and processor's spans go */
  public Node(
      KafkaSettings kafka, Topics topics, ResultStoreConfig storeConfig, RuntimeConfig runtimeConfig, Path funcRoot,
      String instanceId, boolean runsFunctions, OpenTelemetry telemetry) {
    this.telemetry = telemetry;
    this.kafka = kafka;
    this.topics = topics;
    try (Admin admin = kafka.admin()) {
      topics.ensure(admin);
    }
    this.instanceId = instanceId;
    this.metrics = own(PlatformMetrics.create(instanceId));
    RuntimeMetrics runtimeMetrics = new RuntimeMetrics(metrics);
    this.runtime = own(new FunctionRuntime(runtimeConfig, Clock.systemUTC(), runtimeMetrics));
    runtimeMetrics.bind(runtime);
    this.store = own(new ResultStore(storeConfig));
    this.registry = own(new FunctionRegistry(kafka, topics, funcRoot, runsFunctions, "faasm-" + instanceId).start());
    try {
      registry.caughtUp().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("cannot load the function registry from Kafka at " + kafka.bootstrapServers(), e);
    }
  }

  private <T extends AutoCloseable> T own(T part) {
    started.push(part);
    return part;
  }

  public Node seed(Path wasmDir) throws Exception {
    FunctionSeeder.seed(wasmDir, registry, runtime, Clock.systemUTC());
    return this;
  }

  /** Starts a processor with the default shared-state limits. */
  public Node startProcessor(ProcessorConfig config) throws Exception {
    return startProcessor(config, StateConfig.defaults());
  }

  public Node startProcessor(ProcessorConfig config, StateConfig state) throws Exception {
    return startProcessor(config, state, true);
  }

  /** @param loadCompiledClasses see {@link ProcessorService#withCompiledClasses} */
  public Node startProcessor(ProcessorConfig config, StateConfig state, boolean loadCompiledClasses)
      throws Exception {
    processor = own(new ProcessorService(config, kafka, topics, runtime, registry, store, metrics, telemetry)
        .withState(state)
        .withCompiledClasses(loadCompiledClasses)
        .start());
    processor.running().get(120, TimeUnit.SECONDS);
    return this;
  }

  public Node startEdge(EdgeConfig config) {
    return startEdge(config, Access.OPEN);
  }

  public Node startEdge(EdgeConfig config, Access access) {
    Tenants tenants = Tenants.open(access.defaults());
    if (access.keys()) {
      tenants = Tenants.authenticated(users(), access.defaults());
    }
    edge = own(new Edge(config, kafka, topics, store, registry, runtime, metrics, telemetry).tenants(tenants).start());
    log.info("edge listening on port {}", edge.port());
    return this;
  }

  /** The users topic, read into memory (started on first use). */
  public synchronized UserDirectory users() {
    if (users == null) {
      users = own(new UserDirectory(kafka, topics, "faasm-" + instanceId).start());
      try {
        users.caughtUp().get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("cannot load the users from Kafka at " + kafka.bootstrapServers(), e);
      }
    }
    return users;
  }

  public Edge edge() {
    return edge;
  }

  public ProcessorService processor() {
    return processor;
  }

  public FunctionRegistry registry() {
    return registry;
  }

  public PlatformMetrics metrics() {
    return metrics;
  }

  /** Serves {@code GET /metrics} and {@code GET /health} on {@code port} (0 = any) until the node closes. */
  public AdminServer startAdmin(String host, int port) {
    return own(AdminServer.start(host, port, metrics));
  }

  public FunctionRuntime runtime() {
    return runtime;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        log.warn("error while closing {}", part.getClass().getSimpleName(), e);
      }
    }
  }
}
