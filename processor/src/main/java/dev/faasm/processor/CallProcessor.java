package dev.faasm.processor;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import dev.faasm.registry.CallRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts calls from the calls topic into a changelogged pending store and launches them on the {@link CallRunner};
 * never runs or waits for a guest on the Streams thread.
 *
 * <p>Durability: a call's offset is committed only after the call is in the pending store's changelog (Kafka Streams
 * flushes stores before committing offsets), and it leaves the store only after its result and chained calls are
 * durable. A processor killed mid-call therefore loses nothing: the task's new owner restores the store and launches
 * what is left; a call whose result is on the results topic (the finished-calls index) is not run again.
 *
 * <p>Calls beyond what may run at once wait in the pending store and are launched one user at a time, round-robin
 * ({@link FairQueue}), so one user's backlog does not stand in front of every other user's calls.
 *
 * <p>A record that cannot be decoded is never dropped silently: it goes to the dead-letter topic, and the call its key
 * names gets a stored platform failure (sent to the reply channel in its {@code faasm-reply-to} header), so a
 * waiting caller gets an answer.
 */
final class CallProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(CallProcessor.class);
  private static final Duration TICK = Duration.ofMillis(20);


  private final String storeName;
  private final String finishedStoreName;
  private final CallRunner runner;
  private final ProcessorConfig config;
  private final DeadLetterSink deadLetters;
  private final CallMetrics metrics;
  private ProcessorContext<Void, Void> context;
  private String task;
  private KeyValueStore<String, Long> finishedCalls;
  private int retriesLogged;
  /** Calls waiting for a launch, one queue per user served round-robin (see {@link FairQueue}). */
  private final FairQueue toLaunch = new FairQueue();
  private final Set<String> inFlight = new HashSet<>();
  private final Queue<KeyValue<String, Throwable>> finished = new ConcurrentLinkedQueue<>();
  /** Calls to launch again, by the time they may (earliest first). */
  private final PriorityQueue<KeyValue<String, Long>> retries =
      new PriorityQueue<>(Comparator.comparingLong((KeyValue<String, Long> r) -> r.value));
  /** Why each retried call's last attempt failed (for its terminal failure; lost on restart, which is said). */
  private final Map<String, String> lastErrors = new HashMap<>();
  private KeyValueStore<String, byte[]> pending;

  CallProcessor(
      String storeName, String finishedStoreName, CallRunner runner, ProcessorConfig config,
      DeadLetterSink deadLetters, CallMetrics metrics) {
    this.metrics = metrics;
    this.storeName = storeName;
    this.finishedStoreName = finishedStoreName;
    this.runner = runner;
    this.config = config;
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.task = context.taskId().toString();
    pending = context.getStateStore(storeName);
    finishedCalls = context.getStateStore(finishedStoreName);
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        toLaunch.add(userOf(kv.value), kv.key);
      }
    }
    if (!toLaunch.isEmpty()) {
      log.info("task {} resumes {} pending calls", context.taskId(), toLaunch.size());
    }
    context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, now -> tick(now));
    launchWhatFits();
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Call call;
    try {
      call = Codec.decodeCall(record.value());
    } catch (ProtocolException e) {
      reject(record, e.getMessage());
      return;
    }
    if (log.isTraceEnabled()) {
      log.trace("call {} reached its processor {} ms after it was produced", call.callId(),
          System.currentTimeMillis() - record.timestamp());
    }
    pending.put(call.callId(), record.value());
    if (!inFlight.contains(call.callId())) {
      toLaunch.add(call.user(), call.callId());
    }
    launchWhatFits();
  }

  private void reject(Record<String, byte[]> record, String reason) {
    RecordMetadata md = context.recordMetadata().orElse(null);
    deadLetters.send(md == null ? "" : md.topic(), md == null ? -1 : md.partition(), md == null ? -1 : md.offset(),
        record.key(), record.value(), reason);
    if (record.key() == null || record.key().isEmpty()) {
      return;
    }
    Header replyTo = record.headers().lastHeader(CallRecords.REPLY_TO_HEADER);
    String channel = replyTo == null ? "" : new String(replyTo.value(), StandardCharsets.UTF_8);
    runner.reject(record.key(), channel, "undecodable call record: " + reason)
        .whenComplete((v, error) -> {
          if (error != null) {
            log.error("cannot store the failure of undecodable call {}", record.key(), error);
          }
        });
  }

  private void tick(long now) {
    KeyValue<String, Throwable> done;
    int failedNow = 0;
    Throwable example = null;
    while ((done = finished.poll()) != null) {
      inFlight.remove(done.key);
      if (done.value == null) {
        pending.delete(done.key);
        lastErrors.remove(done.key);
      } else if (cause(done.value) instanceof CancellationException) {
        // Withdrawn because its task is leaving: not a failed attempt; the task's next owner launches it.
        lastErrors.remove(done.key);
      } else {
        failedNow++;
        example = done.value;
        retries.add(KeyValue.pair(done.key, now + failedAttempt(done.key, done.value)));
      }
    }
    if (metrics != null) {
      // Counted here, not by the store: its cache holds recent writes until the next commit.
      metrics.pending(task, toLaunch.size() + inFlight.size() + retries.size());
      if (failedNow > 0) {
        metrics.retried(failedNow);
      }
    }
    if (failedNow > 0) {
      // One line per tick, not a stack trace per call: during an outage every pending call fails the same way.
      if (retriesLogged++ == 0) {
        log.warn("{} calls could not be completed; retrying them with backoff, at most {} attempts each", failedNow,
            config.retry().maxAttempts(), example);
      } else {
        log.debug("{} calls could not be completed ({}); retrying", failedNow, example.toString());
      }
    } else if (retries.isEmpty() && retriesLogged > 0) {
      log.info("pending calls complete again after {} failed attempts", retriesLogged);
      retriesLogged = 0;
    }
    while (!retries.isEmpty() && retries.peek().value <= now) {
      String id = retries.poll().key;
      toLaunch.add(userOf(pending.get(id)), id);
    }
    launchWhatFits();
  }

  /** Counts a failed attempt in the call's pending record; returns how long to wait before the next. */
  private long failedAttempt(String id, Throwable error) {
    byte[] value = pending.get(id);
    if (value == null) {
      return 0;
    }
    int attempts = Codec.attempts(value);
    if (attempts >= config.retry().maxAttempts()) {
      // Storing its terminal failure failed: try that again, the call's own count and last error stay as they are.
      return config.retry().backoff(attempts).toMillis();
    }
    attempts++;
    pending.put(id, Codec.withAttempts(value, attempts));
    lastErrors.put(id, String.valueOf(cause(error)));
    return config.retry().backoff(attempts).toMillis();
  }

  private static Throwable cause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  private void launchWhatFits() {
    while (!toLaunch.isEmpty()
        && inFlight.size() < config.maxInFlight()
        && runner.backlog() < config.maxQueuedGuests()) {
      String id = toLaunch.poll();
      byte[] value = pending.get(id);
      if (value == null || inFlight.contains(id)) {
        continue;
      }
      inFlight.add(id);
      Codec.PendingCall stored = Codec.decodePending(value); // one parse per launch
      Call call = stored.call();
      if (finishedCalls.get(id) != null) {
        // Its result is on the log already (a re-delivery after a crash, or a chained call sent again by a parent
        // that ran again): never run a call twice, but tell its waiter.
        CallExecutor.about(call, () -> log.debug("call {} already has a result; not running it again", id));
        runner.finished(call).whenComplete((ignored, error) -> finished.add(KeyValue.pair(id, null)));
        continue;
      }
      int attempts = stored.attempts();
      if (attempts >= config.retry().maxAttempts()) {
        String last = lastErrors.getOrDefault(id, "unknown (the processor that saw it has restarted since)");
        runner.giveUp(call, attempts, last).whenComplete((ignored, error) -> finished.add(KeyValue.pair(id, error)));
        continue;
      }
      runner.run(call).whenComplete((ignored, error) -> finished.add(KeyValue.pair(id, error)));
    }
  }

  /** The user a stored call belongs to, for its place in the launch queue ("" if it cannot be read). */
  private static String userOf(byte[] value) {
    if (value == null) {
      return "";
    }
    try {
      return Codec.decodeCall(value).user();
    } catch (ProtocolException e) {
      return "";
    }
  }

  @Override
  public void close() {
    // The task leaves this processor. Calls already on a guest finish on their own (their results land in the store,
    // and whoever owns the task next does not run them again); calls still waiting for a guest are withdrawn, so
    // that only the task's next owner runs them.
    inFlight.forEach(runner::cancel);
    if (metrics != null) {
      metrics.taskClosed(task);
    }
    toLaunch.clear();
    inFlight.clear();
    retries.clear();
    lastErrors.clear();
  }
}
