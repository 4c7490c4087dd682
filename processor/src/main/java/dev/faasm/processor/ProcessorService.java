package dev.faasm.processor;

import dev.faasm.metrics.PlatformMetrics;
import io.opentelemetry.api.OpenTelemetry;
import dev.faasm.registry.DeadLetters;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.SharedFiles;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultWaiter;
import dev.faasm.runtime.CompiledClasses;
import dev.faasm.runtime.FunctionRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One processor instance: a Kafka Streams application that routes calls to the function runtime, plus the clients it
 * needs (function registry, result store, reply-channel waiter, producer for results and chained calls).
 */
public final class ProcessorService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessorService.class);

  private final ProcessorConfig config;
  private final KafkaSettings kafka;
  private final Topics topics;
  private final FunctionRuntime runtime;
  private final FunctionRegistry registry;
  private SharedFiles files;
  private final ResultStore store;
  private final PlatformMetrics metrics;
  private final OpenTelemetry telemetry;
  private KafkaStreamsMetrics streamsMetrics;
  private final CompletableFuture<Void> running = new CompletableFuture<>();
  private ResultWaiter waiter;
  private KafkaProducer<String, byte[]> producer;
  private ExecutorService io;
  private ScheduledExecutorService housekeeping;
  private ResultCacheRebuilder rebuilder;
  private ReplayService replays;
  private KafkaStreams streams;
  private boolean closed;
  private StateConfig stateConfig = StateConfig.defaults();
  private RedisState state;
  private boolean loadCompiledClasses = true;

  /** The runtime, registry, store and metrics are owned by the caller (shared with an edge in dev mode). */
  public ProcessorService(
      ProcessorConfig config,
      KafkaSettings kafka,
      Topics topics,
      FunctionRuntime runtime,
      FunctionRegistry registry,
      ResultStore store,
      PlatformMetrics metrics,
      OpenTelemetry telemetry) {
    this.metrics = metrics;
    this.telemetry = telemetry;
    this.config = config;
    this.kafka = kafka;
    this.topics = topics;
    this.runtime = runtime;
    this.registry = registry;
    this.store = store;
  }

  /**
   * Whether modules uploaded while this processor runs are loaded from the classes the uploading edge compiled (in
   * the module's record) instead of compiled here (before {@link #start()}; default true). Those classes run as they
   * are: turn this off where the modules topic is not as trusted as the platform's own code.
   */
  public synchronized ProcessorService withCompiledClasses(boolean load) {
    this.loadCompiledClasses = load;
    return this;
  }

  /** Limits of the shared state (before {@link #start()}; defaults otherwise). */
  public synchronized ProcessorService withState(StateConfig config) {
    this.stateConfig = Objects.requireNonNull(config, "config");
    return this;
  }

  public synchronized ProcessorService start() {
    waiter = new ResultWaiter(store, ResultStore.replyChannel(store.config().keyPrefix(), config.instanceId())).start();
    producer = kafka.producer("faasm-processor-" + config.instanceId());
    files = new SharedFiles(kafka, topics, "faasm-processor-" + config.instanceId()).start();
    state = new RedisState(store.config(), stateConfig);
    AtomicInteger n = new AtomicInteger();
    io =
        Executors.newFixedThreadPool(
            16,
            r -> {
              Thread t = new Thread(r, "faasm-processor-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // A module uploaded now is loaded before its first call arrives (a call that comes sooner waits for that load).
    boolean loadClasses = loadCompiledClasses;
    registry.onModuleArrival(m -> runtime.preload(m.wasm(), m.digest(),
        m.compiled().filter(c -> loadClasses).map(c -> new CompiledClasses(c.chicoryVersion(), c.cacheKey(), c.jar()))));
    CallMetrics callMetrics = new CallMetrics(metrics);
    CallExecutor executor =
        new CallExecutor(runtime, registry, store, waiter, producer, topics, config, io, Clock.systemUTC(),
            callMetrics, new CallTracing(telemetry.getTracer("dev.faasm.processor")), files::root, state);
    DeadLetters deadLetters =
        new DeadLetters(producer, topics.deadLetters(), "processor-" + config.instanceId(), Clock.systemUTC());
    StreamsBuilder builder = new StreamsBuilder();
    CallTopology.build(builder, topics, executor, config, deadLetters::send, callMetrics);
    streams = new KafkaStreams(builder.build(), streamsProperties());
    // Kafka Streams' and its clients' own metrics (consumer lag of the calls topic among them) in the same registry.
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(metrics.registry());
    streams.setStateListener(
        (now, before) -> {
          log.info("processor {} streams {} -> {}", config.instanceId(), before, now);
          if (now == KafkaStreams.State.RUNNING) {
            running.complete(null);
          } else if (now == KafkaStreams.State.ERROR) {
            running.completeExceptionally(new IllegalStateException("Kafka Streams failed"));
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("stream thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
              .REPLACE_THREAD;
        });
    streams.start();
    startHousekeeping();
    replays =
        new ReplayService(kafka, topics, runtime, registry, store, producer, config, deadLetters, Clock.systemUTC())
            .start();
    return this;
  }

  /** Result-store rebuilds (checked every second) and module collection, each on its own schedule. */
  private void startHousekeeping() {
    housekeeping =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "faasm-processor-housekeeping");
              t.setDaemon(true);
              return t;
            });
    rebuilder =
        new ResultCacheRebuilder(store, kafka, topics, "faasm-processor-" + config.instanceId(), Clock.systemUTC());
    rebuilder.check(); // before this processor reports started: a fresh Redis is filled (or marked) first
    housekeeping.scheduleWithFixedDelay(rebuilder::check, 1, 1, TimeUnit.SECONDS);
    long every = config.moduleCollectInterval().toMillis();
    housekeeping.scheduleWithFixedDelay(this::collectModules, every, every, TimeUnit.MILLISECONDS);
  }

  private void collectModules() {
    try {
      registry.collectModules();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("module collection failed; trying again in {}", config.moduleCollectInterval(), e);
    }
  }

  /** Completes when Kafka Streams first reaches RUNNING. */
  public CompletableFuture<Void> running() {
    return running;
  }

  public boolean isRunning() {
    return streams != null && streams.state() == KafkaStreams.State.RUNNING;
  }

  Properties streamsProperties() {
    Properties p = new Properties();
    p.putAll(kafka.common());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.CLIENT_ID_CONFIG, config.applicationId() + "-" + config.instanceId());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replication());
    // Latency: hand records to the processor as soon as they arrive, and don't let the changelog producer linger.
    p.put(StreamsConfig.POLL_MS_CONFIG, 10);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_CALL_MESSAGE_BYTES);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), Topics.MAX_CALL_MESSAGE_BYTES);
    ProcessorConfig.Membership membership = config.membership();
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) membership.sessionTimeout().toMillis());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, membership.standbyReplicas());
    if (membership.staticMembership()) {
      // Kafka Streams adds each stream thread's index to it.
      p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.instanceId());
    }
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
    for (Map.Entry<String, Object> e : kafka.overrides().entrySet()) {
      p.put(e.getKey(), e.getValue());
    }
    return p;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (housekeeping != null) {
      housekeeping.shutdownNow();
    }
    if (replays != null) {
      replays.close();
    }
    if (streams != null) {
      // A static member only leaves the group when asked to (a dynamic one always does).
      streams.close(new KafkaStreams.CloseOptions()
          .timeout(Duration.ofSeconds(30))
          .leaveGroup(config.membership().leaveOnShutdown()));
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (io != null) {
      io.shutdown();
      try {
        if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
          io.shutdownNow();
        }
      } catch (InterruptedException e) {
        io.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (state != null) {
      state.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (waiter != null) {
      waiter.close();
    }
    if (files != null) {
      files.close();
    }
  }
}
