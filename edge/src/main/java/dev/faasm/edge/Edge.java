package dev.faasm.edge;

import dev.faasm.metrics.PlatformMetrics;
import dev.faasm.protocol.Quota;
import io.opentelemetry.api.OpenTelemetry;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.SharedFiles;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultWaiter;
import dev.faasm.runtime.FunctionRuntime;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.ExceptionHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * The HTTP edge: uploads and manages functions, turns HTTP calls into records on the calls topic and answers
 * synchronous callers when their result lands in the result store. See {@link Router} for the routes.
 *
 * <p>No request holds a thread while it waits: IO threads never block, blocking work (Redis, Kafka sends, module
 * validation) runs on Undertow's worker pool, and a synchronous caller waits as a registration in the
 * {@link ResultWaiter} plus a timer on its IO thread, so one edge holds many thousands of waiting callers.
 *
 * <p>A synchronous call that outlives {@link EdgeConfig#syncWait()} is answered <b>504</b> with
 * {@code {"error": "call <id> did not finish within <n> s; it continues to run", "callId", "status": "/calls/<id>",
 * "output": "/calls/<id>/output", "logs": ...}} and {@code Location: /calls/<id>}. The call is <b>not</b> cancelled:
 * it was durably accepted and runs to its end; poll its status and fetch its output later.
 *
 * <p>Replays of recorded calls are queued here ({@code POST /replays}, see {@link ReplayHandlers}) and run by the
 * processors.
 *
 * <p>Lifecycle: {@link #start()} creates the producer (calls and replay requests), an admin client (readiness), the
 * result waiter on {@code ResultStore.replyChannel(prefix, instanceId)} and the server; {@link #close()} stops them in
 * reverse order.
 * The store, registry and runtime passed in belong to the caller.
 */
public final class Edge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Edge.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Recent calls the console lists, and how far back an edge looks when it starts (see {@link CallIndex}). */
  private static final int CALL_INDEX_CAPACITY = 50_000;
  private static final Duration CALL_INDEX_BACKFILL = Duration.ofHours(1);

  private final EdgeConfig config;
  private final KafkaSettings kafka;
  private final Topics topics;
  private final ResultStore store;
  private final FunctionRegistry registry;
  private final FunctionRuntime runtime;
  private final Clock clock;
  private final PlatformMetrics metrics;
  private final OpenTelemetry telemetry;

  private KafkaProducer<String, byte[]> producer;
  private Admin admin;
  private ResultWaiter waiter;
  private ResultWaiter asyncWaiter;
  private Tenants tenants = Tenants.open(Quota.NONE);
  private CallSubmitter submitter;
  private CallIndex callIndex;
  private SharedFiles files;
  private Undertow server;
  private String replyChannel;
  private int port;
  private boolean started;
  private boolean closed;

  public Edge(
      EdgeConfig config, KafkaSettings kafka, Topics topics, ResultStore store, FunctionRegistry registry,
      FunctionRuntime runtime) {
    this(config, kafka, topics, store, registry, runtime, PlatformMetrics.create(config.instanceId()),
        OpenTelemetry.noop(), Clock.systemUTC());
  }

  /**
   * @param metrics where the edge records, and what {@code GET /metrics} serves (shared with a processor in dev)
   * @param telemetry where invocation spans go
   */
  public Edge(
      EdgeConfig config, KafkaSettings kafka, Topics topics, ResultStore store, FunctionRegistry registry,
      FunctionRuntime runtime, PlatformMetrics metrics, OpenTelemetry telemetry) {
    this(config, kafka, topics, store, registry, runtime, metrics, telemetry, Clock.systemUTC());
  }

  Edge(
      EdgeConfig config, KafkaSettings kafka, Topics topics, ResultStore store, FunctionRegistry registry,
      FunctionRuntime runtime, PlatformMetrics metrics, OpenTelemetry telemetry, Clock clock) {
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.config = Objects.requireNonNull(config, "config");
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.store = Objects.requireNonNull(store, "store");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Who may use this edge and how much (call before {@link #start()}); by default no keys and no quotas. */
  public synchronized Edge tenants(Tenants t) {
    if (started) {
      throw new IllegalStateException("edge " + config.instanceId() + " already started");
    }
    tenants = Objects.requireNonNull(t, "tenants");
    return this;
  }

  /** Starts the clients and the server; returns once the server listens. */
  public synchronized Edge start() {
    if (started) {
      throw new IllegalStateException("edge " + config.instanceId() + " already started");
    }
    started = true;
    try {
      producer = callsProducer();
      admin = kafka.admin();
      replyChannel = ResultStore.replyChannel(store.config().keyPrefix(), config.instanceId());
      waiter = new ResultWaiter(store, replyChannel).start();
      // Told when this edge's asynchronous calls finish, so they count as in flight until then.
      asyncWaiter = new ResultWaiter(store, replyChannel + "-async").start();
      submitter = new CallSubmitter(producer, topics, store, waiter, replyChannel);
      files = new SharedFiles(kafka, topics, "faasm-edge-" + config.instanceId()).start();
      EdgeMetrics edgeMetrics = new EdgeMetrics(metrics, () -> waiter.pending());
      Router router = new Router(
          new InvokeHandler(registry, submitter, config, clock,
              new InvokeTracing(telemetry.getTracer("dev.faasm.edge")), tenants, asyncWaiter),
          new FunctionHandlers(registry, runtime, config.maxModuleBytes(), clock, edgeMetrics.validation(), tenants),
          new CallQueries(store),
          new ReplayHandlers(producer, topics, store, registry, clock),
          new Readiness(admin, topics.calls(), store, registry), metrics, tenants, new FileHandlers(files));
      callIndex = new CallIndex(kafka, topics, clock, CALL_INDEX_CAPACITY, CALL_INDEX_BACKFILL).start();
      server = server(edgeMetrics.wrap(rootHandler(
          new ConsoleRoutes(router, new ConsoleApi(callIndex, clock), tenants))));
      server.start();
      port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    log.info("edge {} listening on {}:{}", config.instanceId(), config.host(), port());
    if (!tenants.authRequired()) {
      log.warn("edge {}: authentication is OFF: anyone who reaches {}:{} can upload, call, read and delete every "
          + "user's functions and calls", config.instanceId(), config.host(), port());
    }
    return this;
  }

  /** The port the server listens on (the chosen one when configured with port 0). */
  public synchronized int port() {
    if (port == 0) {
      throw new IllegalStateException("edge " + config.instanceId() + " is not started");
    }
    return port;
  }

  /** The result-store channel synchronous calls from this edge reply to. */
  public synchronized String replyChannel() {
    return replyChannel;
  }

  /** Synchronous callers waiting for a result right now. */
  public synchronized int waitingCalls() {
    return waiter == null ? 0 : waiter.pending();
  }

  /** Stops the server, the waiter, the admin client and the producer, each within a bounded time. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      try {
        server.stop();
      } catch (RuntimeException e) {
        if (e.getCause() instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.warn("edge {}: server did not stop cleanly", config.instanceId(), e);
      }
    }
    if (callIndex != null) {
      callIndex.close();
    }
    if (submitter != null) {
      submitter.close();
    }
    if (asyncWaiter != null) {
      asyncWaiter.close();
    }
    if (waiter != null) {
      waiter.close();
    }
    if (files != null) {
      files.close();
    }
    if (admin != null) {
      admin.close(CLOSE_TIMEOUT);
    }
    if (producer != null) {
      producer.close(CLOSE_TIMEOUT);
    }
    if (started) {
      log.info("edge {} stopped", config.instanceId());
    }
  }

  private HttpHandler rootHandler(HttpHandler router) {
    HttpHandler limited = new HeaderLimit(config.limits().maxHeaderBytes(), new ChunkedFraming(
        new BodyDeadline(config.limits().bodyReadTimeout(), new HttpContinueReadHandler(router))));
    return Handlers.exceptionHandler(limited)
        .addExceptionHandler(Throwable.class, ex -> Errors.send(ex, ex.getAttachment(ExceptionHandler.THROWABLE)));
  }

  private Undertow server(HttpHandler handler) {
    // What Undertow reads of a body at most, refused bodies included (see Bodies): twice the largest limit.
    long maxBody = 2L * Math.max(config.maxInputBytes(), config.maxModuleBytes());
    EdgeLimits limits = config.limits();
    long descriptors = EdgeLimits.descriptorLimit();
    int connections = limits.connectionCap(descriptors);
    if (limits.maxConnections() > connections) {
      log.warn("edge {}: connection cap lowered from {} to {}: the process may open {} file descriptors",
          config.instanceId(), limits.maxConnections(), connections, descriptors);
    }
    log.info("edge {}: at most {} connections ({} file descriptors), headers up to {} bytes, idle connections closed "
        + "after {} s", config.instanceId(), connections, descriptors, limits.maxHeaderBytes(),
        limits.noRequestTimeout().toSeconds());
    return Undertow.builder()
        .addHttpListener(config.port(), config.host())
        .setIoThreads(config.ioThreads())
        .setWorkerThreads(config.workerThreads())
        .setSocketOption(Options.BACKLOG, config.backlog())
        // At the cap the server stops accepting until a connection closes (new ones wait in the backlog), so it
        // never runs out of file descriptors for Kafka, Redis and its own files. XNIO splits the cap evenly among
        // the IO threads.
        .setSocketOption(Options.CONNECTION_HIGH_WATER, connections)
        .setSocketOption(Options.CONNECTION_LOW_WATER, connections)
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, maxBody)
        // Over maxHeaderBytes is answered 431 by HeaderLimit; this is only Undertow's own backstop.
        .setServerOption(UndertowOptions.MAX_HEADER_SIZE, limits.hardHeaderBytes())
        // No request on a connection (a new one that sends nothing, an idle keep-alive one): closed. A request in
        // progress, such as a synchronous call waiting for its result, is not affected.
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) limits.noRequestTimeout().toMillis())
        // Headers trickled byte by byte (slowloris): closed once they took this long.
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) limits.requestParseTimeout().toMillis())
        .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, (int) CLOSE_TIMEOUT.toMillis())
        .setHandler(handler)
        .build();
  }

  /**
   * The calls producer: the platform's low-latency settings, plus bounds so that an unreachable broker fails a send
   * (503) within seconds instead of holding a worker thread or a caller for minutes. Explicit overrides still win.
   */
  private KafkaProducer<String, byte[]> callsProducer() {
    Map<String, Object> bounded = new HashMap<>();
    bounded.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    bounded.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    bounded.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    bounded.putAll(kafka.overrides());
    return new KafkaSettings(kafka.bootstrapServers(), bounded).producer("faasm-edge-" + config.instanceId());
  }
}
