package dev.faasm.edge;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's view of recent calls, for the console and {@code faasm calls}: a thread tails the calls topic (who
 * called what, and which call a chained call came from) and the results topic (how each call ended), starting
 * {@code backfill} before the edge started, and keeps the newest {@code capacity} calls in memory: ids, names, times
 * and outcomes, never inputs or outputs (those stay in the result store).
 *
 * <p>The topics are the platform's record, so every edge sees every call, whichever edge or processor handled it.
 * What this index holds is a window: a call older than the backfill or evicted by newer ones is still answered by
 * {@code GET /calls/<id>}, it is only no longer listed. Undecodable records are skipped (the processors dead-letter
 * them). Queries are cheap scans under a lock and never talk to Kafka.
 */
final class CallIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CallIndex.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** One call as the index knows it. {@code state} is QUEUED until its result is seen. */
  record Entry(
      String callId, String user, String function, String parentCallId, int depth, boolean sync,
      long submittedAtMillis, CallState state, String failure, int returnCode, long startedAtMillis,
      long finishedAtMillis, String digest) {

    /** Run time in milliseconds, or -1 when the call has not finished or never started. */
    long durationMillis() {
      return finishedAtMillis > 0 && startedAtMillis > 0 ? Math.max(0, finishedAtMillis - startedAtMillis) : -1;
    }
  }

  /** What {@link #recent} keeps: {@code outcome} is null (any), "succeeded", "failed" or "unfinished". */
  record Filter(String user, String function, String outcome, int limit) {
    boolean matches(Entry e) {
      if (user != null && !user.equals(e.user())
          || function != null && !function.equals(e.function())) {
        return false;
      }
      if (outcome == null) {
        return true;
      }
      return switch (outcome) {
        case "succeeded" -> e.state() == CallState.SUCCEEDED;
        case "failed" -> e.state() == CallState.FAILED;
        default -> !e.state().isFinal();
      };
    }
  }

  /** A call and the calls it made, recursively. */
  record Tree(Entry call, List<Tree> children) {}

  private final KafkaSettings kafka;
  private final Topics topics;
  private final Clock clock;
  private final int capacity;
  private final Duration backfill;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Newest last (by first sighting); guarded by this. */
  private final LinkedHashMap<String, Entry> calls = new LinkedHashMap<>();
  /** Parent id to child ids, for the calls still in {@link #calls}; guarded by this. */
  private final Map<String, List<String>> children = new HashMap<>();

  private KafkaConsumer<String, byte[]> consumer;
  private Thread thread;
  private volatile boolean caughtUp;

  CallIndex(KafkaSettings kafka, Topics topics, Clock clock, int capacity, Duration backfill) {
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backfill = Objects.requireNonNull(backfill, "backfill");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, not " + capacity);
    }
    this.capacity = capacity;
  }

  /** Starts tailing; the first poll happens on the index's own thread. */
  synchronized CallIndex start() {
    Map<String, Object> props = kafka.consumerProps("faasm-edge-call-index");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    // A listing may lag a fraction of a second: fetch in batches, not a request per few records (under load that
    // cost the broker and this thread more than the records themselves).
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 250);
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    thread = new Thread(this::run, "faasm-call-index");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Whether the index has read the topics up to where they ended when it started. */
  boolean caughtUp() {
    return caughtUp;
  }

  private void run() {
    boolean warned = false;
    try {
      while (!closed.get()) {
        try {
          tail();
        } catch (WakeupException | InterruptException e) {
          return;
        } catch (KafkaException e) {
          if (!closed.get()) {
            // The topics may not exist yet, or the broker is away: start again shortly, from the backfill.
            if (!warned) {
              log.warn("call index cannot read {} and {} yet; retrying", topics.calls(), topics.results(), e);
              warned = true;
            }
            Thread.sleep(RETRY.toMillis());
          }
        } catch (RuntimeException e) {
          log.warn("call index stopped: the console and GET /calls list no new calls", e);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Reads both topics from the backfill on, until closed. */
  private void tail() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(topics.calls(), topics.results())) {
      List<PartitionInfo> found = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (found == null || found.isEmpty()) {
        throw new KafkaException("topic " + topic + " has no partitions (not created yet?)");
      }
      for (PartitionInfo p : found) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
    }
    consumer.assign(partitions);
    long from = clock.millis() - backfill.toMillis();
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(tp -> times.put(tp, from));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp at = offsets.get(tp);
      consumer.seek(tp, at != null ? at.offset() : ends.get(tp));
    }
    while (!closed.get()) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
        if (record.value() != null) {
          add(record.topic(), record.value());
        }
      }
      if (!caughtUp && partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
        caughtUp = true;
        log.debug("call index caught up: {} calls", size());
      }
    }
  }

  private void add(String topic, byte[] value) {
    try {
      if (topic.equals(topics.calls())) {
        called(Codec.decodeCall(value));
      } else {
        finished(Codec.decodeResult(value));
      }
    } catch (ProtocolException e) {
      log.debug("call index skips an undecodable record on {}: {}", topic, e.getMessage());
    }
  }

  synchronized void called(Call c) {
    Entry old = calls.get(c.callId());
    if (old != null) {
      // The result came first (or the call was sent again): keep what is known, add where it came from.
      calls.put(c.callId(), new Entry(old.callId(), c.user(), c.function(), c.parentCallId(), c.depth(), c.sync(),
          c.submittedAtMillis(), old.state(), old.failure(), old.returnCode(), old.startedAtMillis(),
          old.finishedAtMillis(), old.digest().isEmpty() ? c.digest() : old.digest()));
    } else {
      put(new Entry(c.callId(), c.user(), c.function(), c.parentCallId(), c.depth(), c.sync(), c.submittedAtMillis(),
          CallState.QUEUED, "", 0, 0, 0, c.digest()));
    }
    if (!c.parentCallId().isEmpty()) {
      List<String> siblings = children.computeIfAbsent(c.parentCallId(), k -> new ArrayList<>(2));
      if (!siblings.contains(c.callId())) {
        siblings.add(c.callId());
      }
    }
  }

  synchronized void finished(CallResult r) {
    Entry old = calls.get(r.callId());
    Entry now = new Entry(r.callId(), r.user(), r.function(), old == null ? "" : old.parentCallId(),
        old == null ? 0 : old.depth(), old != null && old.sync(), r.submittedAtMillis(), r.state(), r.failureKind(),
        r.returnCode(), r.startedAtMillis(), r.finishedAtMillis(), r.digest());
    if (old != null) {
      calls.put(r.callId(), now);
    } else {
      put(now);
    }
  }

  private void put(Entry e) {
    calls.put(e.callId(), e);
    if (calls.size() > capacity) {
      Iterator<Entry> oldest = calls.values().iterator();
      Entry gone = oldest.next();
      oldest.remove();
      children.remove(gone.callId());
    }
  }

  synchronized int size() {
    return calls.size();
  }

  synchronized Optional<Entry> get(String callId) {
    return Optional.ofNullable(calls.get(callId));
  }

  /** The newest matching calls first (by submission time). */
  List<Entry> recent(Filter filter) {
    List<Entry> matching = new ArrayList<>();
    synchronized (this) {
      for (Entry e : calls.values()) {
        if (filter.matches(e)) {
          matching.add(e);
        }
      }
    }
    matching.sort(Comparator.comparingLong(Entry::submittedAtMillis).reversed()
        .thenComparing(Entry::callId, Comparator.reverseOrder()));
    return matching.size() <= filter.limit() ? matching : List.copyOf(matching.subList(0, filter.limit()));
  }

  /** The call and its chained calls, depth first, at most {@code maxNodes} calls; empty if the call is not indexed. */
  synchronized Optional<Tree> tree(String callId, int maxNodes) {
    Entry root = calls.get(callId);
    if (root == null) {
      return Optional.empty();
    }
    int[] budget = {maxNodes - 1};
    return Optional.of(subtree(root, budget));
  }

  private Tree subtree(Entry call, int[] budget) {
    List<Tree> kids = new ArrayList<>();
    for (String id : children.getOrDefault(call.callId(), List.of())) {
      Entry child = calls.get(id);
      if (child != null && budget[0]-- > 0) {
        kids.add(subtree(child, budget));
      }
    }
    kids.sort(Comparator.comparingLong(t -> t.call().submittedAtMillis()));
    return new Tree(call, kids);
  }

  /** Every indexed call of a user finished at or after {@code sinceMillis}, in no particular order. */
  synchronized List<Entry> finishedSince(String user, long sinceMillis) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : calls.values()) {
      if (e.user().equals(user) && e.state().isFinal() && e.finishedAtMillis() >= sinceMillis) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (!closed.compareAndSet(false, true) || consumer == null) {
        return;
      }
      t = thread;
    }
    consumer.wakeup();
    try {
      t.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
