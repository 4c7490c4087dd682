package dev.faasm.processor;

import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import dev.faasm.protocol.proto.ReplayReport;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.protocol.proto.ReplayState;
import dev.faasm.protocol.proto.ReplayTarget;
import dev.faasm.registry.DeadLetters;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.runtime.FunctionRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the replays asked for on the replays topic, one at a time, on one thread of its own.
 *
 * <p>The processors share a consumer group on the replays topic, so each replay is run by one processor. A request
 * (a QUEUED report) is committed only once its replay has finished, so a replay whose processor died is run again
 * by the next owner. Progress goes to the result store every 250 ms (where the edge reads it); the RUNNING and final
 * reports go to the replays topic too.
 */
final class ReplayService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplayService.class);

  private final KafkaSettings kafka;
  private final Topics topics;
  private final FunctionRuntime runtime;
  private final FunctionRegistry registry;
  private final ResultStore store;
  private final Producer<String, byte[]> producer;
  private final ProcessorConfig config;
  private final Clock clock;
  private final DeadLetters deadLetters;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final Set<String> finished = new HashSet<>();
  private volatile boolean closed;

  ReplayService(
      KafkaSettings kafka, Topics topics, FunctionRuntime runtime, FunctionRegistry registry, ResultStore store,
      Producer<String, byte[]> producer, ProcessorConfig config, DeadLetters deadLetters, Clock clock) {
    this.kafka = kafka;
    this.topics = topics;
    this.runtime = runtime;
    this.registry = registry;
    this.store = store;
    this.producer = producer;
    this.config = config;
    this.deadLetters = deadLetters;
    this.clock = clock;
    Map<String, Object> props = kafka.consumerProps("faasm-replayer-" + config.instanceId());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-replays");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    // A replay runs between two polls: give it up to a day before the group thinks this member hung.
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofDays(1).toMillis());
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::loop, "faasm-replayer-" + config.instanceId());
    this.thread.setDaemon(true);
  }

  ReplayService start() {
    thread.start();
    return this;
  }

  private void loop() {
    try {
      consumer.subscribe(List.of(topics.replays()));
      while (!closed) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          handle(rec);
          consumer.commitSync(
              Map.of(new TopicPartition(rec.topic(), rec.partition()), new OffsetAndMetadata(rec.offset() + 1)));
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("replayer woken up unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (closed) {
        log.debug("replayer stopped while closing", e);
      } else {
        log.error("replayer stopped", e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecord<String, byte[]> rec) throws InterruptedException {
    if (rec.value() == null || rec.key() == null) {
      return;
    }
    ReplayReport queued;
    try {
      queued = Codec.parse(rec.value(), "replay report", ReplayReport.parser());
    } catch (ProtocolException e) {
      deadLetters.send(rec.topic(), rec.partition(), rec.offset(), rec.key(), rec.value(), e.getMessage());
      return;
    }
    if (queued.getState() != ReplayState.REPLAY_STATE_QUEUED || !finished.add(queued.getReplayId())) {
      return; // a report (ours or another processor's), or a request this process already ran
    }
    run(queued.getRequest());
  }

  /** Runs one replay to its end; every failure ends as a FAILED report, never as a lost replay. */
  void run(ReplayRequest request) throws InterruptedException {
    String id = request.getReplayId();
    ReplayReport.Builder report =
        ReplayReport.newBuilder()
            .setReplayId(id)
            .setRequest(request)
            .setState(ReplayState.REPLAY_STATE_RUNNING)
            .setStartedAtMillis(clock.millis())
            .setProcessor(config.instanceId());
    log.info("replay {} started", id);
    try {
      if (request.getTarget() == ReplayTarget.REPLAY_TARGET_DIGEST
          && registry.module(request.getDigest(), Duration.ZERO).isEmpty()) {
        throw new IllegalArgumentException("module " + request.getDigest() + " is not stored");
      }
      ReplaySelection.Selected selected =
          new ReplaySelection(kafka, topics, "faasm-processor-" + config.instanceId()).select(request);
      report.setSelected(selected.calls().size())
          .setSkipped(selected.skipped())
          .setOldestReplayableMillis(selected.oldestReplayableMillis());
      publish(report, true);
      if (!request.getDryRun()) {
        new ReplayRun(request, selected, runtime, registry, config.maxChainDepth(), config.moduleWait(),
                config.replayBackgroundRate(), clock, report)
            .run(r -> publish(r, false));
      }
      report.setState(ReplayState.REPLAY_STATE_DONE).setFinishedAtMillis(clock.millis());
      log.info("replay {} done: {} selected, {} replayed, {} identical, {} different", id, report.getSelected(),
          report.getReplayed(), report.getIdentical(), report.getDifferent());
    } catch (ReplaySelection.TooOldException | IllegalArgumentException e) {
      ReplayRun.failed(report, e.getMessage(), clock.millis());
      log.info("replay {} refused: {}", id, e.getMessage());
    } catch (InterruptedException e) {
      ReplayRun.failed(report, "the processor stopped during the replay", clock.millis());
      publish(report, true);
      throw e;
    } catch (RuntimeException e) {
      ReplayRun.failed(report, e.toString(), clock.millis());
      log.warn("replay {} failed", id, e);
    }
    publish(report, true);
  }

  /** The latest report to the result store, and when {@code durable} to the replays topic too. */
  private void publish(ReplayReport.Builder report, boolean durable) {
    ReplayReport built = report.build();
    try {
      store.putReplayReport(built);
    } catch (RuntimeException e) {
      log.debug("cannot store the progress of replay {}: {}", built.getReplayId(), e.toString());
    }
    if (durable) {
      try {
        producer.send(new ProducerRecord<>(topics.replays(), built.getReplayId(), built.toByteArray()))
            .get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("cannot record the report of replay {} on {}", built.getReplayId(), topics.replays(), e);
      }
    }
  }

  /** Stops polling at once; a replay in progress is interrupted (it is run again by the next owner). */
  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(1_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
