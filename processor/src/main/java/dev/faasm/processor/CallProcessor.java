package dev.faasm.processor;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
 * what is left; the runner does not run again a call whose result exists.
 */
final class CallProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(CallProcessor.class);
  private static final Duration TICK = Duration.ofMillis(20);
  private static final long RETRY_DELAY_MILLIS = 1_000;

  private final String storeName;
  private final CallRunner runner;
  private final ProcessorConfig config;
  private final LinkedHashSet<String> toLaunch = new LinkedHashSet<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Queue<KeyValue<String, Throwable>> finished = new ConcurrentLinkedQueue<>();
  private final Queue<KeyValue<String, Long>> retries = new ArrayDeque<>();
  private KeyValueStore<String, byte[]> pending;

  CallProcessor(String storeName, CallRunner runner, ProcessorConfig config) {
    this.storeName = storeName;
    this.runner = runner;
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    pending = context.getStateStore(storeName);
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        toLaunch.add(it.next().key);
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
      log.warn("skipping undecodable record with key {}", record.key(), e);
      return;
    }
    if (log.isTraceEnabled()) {
      log.trace("call {} reached its processor {} ms after it was produced", call.callId(),
          System.currentTimeMillis() - record.timestamp());
    }
    pending.put(call.callId(), record.value());
    if (!inFlight.contains(call.callId())) {
      toLaunch.add(call.callId());
    }
    launchWhatFits();
  }

  private void tick(long now) {
    KeyValue<String, Throwable> done;
    while ((done = finished.poll()) != null) {
      inFlight.remove(done.key);
      if (done.value == null) {
        pending.delete(done.key);
      } else {
        log.warn("call {} could not be completed; retrying", done.key, done.value);
        retries.add(KeyValue.pair(done.key, now + RETRY_DELAY_MILLIS));
      }
    }
    while (!retries.isEmpty() && retries.peek().value <= now) {
      toLaunch.add(retries.poll().key);
    }
    launchWhatFits();
  }

  private void launchWhatFits() {
    while (!toLaunch.isEmpty()
        && inFlight.size() < config.maxInFlight()
        && runner.backlog() < config.maxQueuedGuests()) {
      Iterator<String> next = toLaunch.iterator();
      String id = next.next();
      next.remove();
      byte[] value = pending.get(id);
      if (value == null || inFlight.contains(id)) {
        continue;
      }
      inFlight.add(id);
      Call call = Codec.decodeCall(value);
      runner.run(call).whenComplete((ignored, error) -> finished.add(KeyValue.pair(id, error)));
    }
  }

  @Override
  public void close() {
    // In-flight calls finish on their own: their results land in the store, and whoever owns the task next finds
    // them there and does not run them again.
    toLaunch.clear();
    inFlight.clear();
  }
}
