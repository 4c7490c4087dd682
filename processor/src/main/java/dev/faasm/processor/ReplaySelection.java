package dev.faasm.processor;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import dev.faasm.protocol.proto.PartitionRange;
import dev.faasm.protocol.proto.ReplayOutcome;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Which recorded calls a replay re-runs, read from the log: the calls topic (what was asked) and the results topic
 * (what came of it; the first result of a call wins, as for every reader).
 *
 * <p>Selected are calls from outside (depth 0) in the requested time range (record timestamps, {@code to}
 * exclusive) or partition offset ranges, of the requested user and function, with an original result of the
 * requested outcome, oldest first, at most {@code max_calls}; a {@code call_id} selects that one call, chained or not.
 * Calls chained from them are remembered too (digest and start time), so their replays run what originally ran.
 */
final class ReplaySelection {
  /** The most calls one replay may consider before filtering by outcome. */
  static final int MAX_CANDIDATES = 200_000;

  /**
   * @param calls the selected calls, oldest first
   * @param originals the first result of each selected call and of the calls chained from them
   * @param chained calls chained from others in the range, by id
   * @param oldestReplayableMillis the time of the oldest call still on the calls topic (0 if none)
   * @param skipped selected by the filters but not replayable: no original result on the log, or undecodable
   */
  record Selected(
      List<Call> calls, Map<String, CallResult> originals, Map<String, Call> chained, long oldestReplayableMillis,
      long skipped) {}

  /** The range asks for calls the log no longer has. */
  static final class TooOldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooOldException(String message) {
      super(message);
    }
  }

  private final KafkaSettings kafka;
  private final Topics topics;
  private final String clientId;

  ReplaySelection(KafkaSettings kafka, Topics topics, String clientId) {
    this.kafka = kafka;
    this.topics = topics;
    this.clientId = clientId;
  }

  Selected select(ReplayRequest request) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> parts = partitions(consumer, topics.calls());
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long oldest = oldestTimestamp(consumer, begin, end);
      boolean trimmed = begin.values().stream().anyMatch(o -> o > 0);
      if (request.hasFromMillis() && trimmed && request.getFromMillis() < oldest) {
        throw new TooOldException(
            "calls before " + Instant.ofEpochMilli(oldest) + " are no longer retained; the oldest replayable time is "
                + Instant.ofEpochMilli(oldest));
      }
      Map<TopicPartition, long[]> ranges = ranges(consumer, request, parts, begin, end);

      Map<String, Call> candidates = new LinkedHashMap<>();
      Map<String, Call> chained = new HashMap<>();
      long skipped = 0;
      long earliest = Long.MAX_VALUE;
      Map<TopicPartition, long[]> open = new HashMap<>(ranges);
      open.entrySet().removeIf(e -> e.getValue()[0] >= e.getValue()[1]);
      consumer.assign(open.keySet());
      open.forEach((p, range) -> consumer.seek(p, range[0]));
      while (!open.isEmpty()) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          long[] range = open.get(new TopicPartition(rec.topic(), rec.partition()));
          if (range == null || rec.offset() >= range[1]) {
            continue;
          }
          Call call;
          try {
            call = Codec.decodeCall(rec.value());
          } catch (ProtocolException ex) {
            skipped++;
            continue;
          }
          earliest = Math.min(earliest, rec.timestamp());
          if (call.depth() > 0 && !call.callId().equals(request.getCallId())) {
            chained.putIfAbsent(call.callId(), stripped(call));
            continue;
          }
          if (matches(call, request) && candidates.size() < MAX_CANDIDATES) {
            candidates.putIfAbsent(call.callId(), call);
          }
        }
        open.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue()[1]);
        consumer.pause(consumer.assignment().stream().filter(p -> !open.containsKey(p)).toList());
      }
      Map<String, CallResult> originals = originals(consumer, candidates, chained, earliest);
      ReplayOutcome outcome = request.getOutcome();
      List<Call> calls = new ArrayList<>();
      List<Call> ordered = new ArrayList<>(candidates.values());
      ordered.sort(Comparator.comparingLong(Call::submittedAtMillis));
      int max = request.getMaxCalls() > 0 ? request.getMaxCalls() : Integer.MAX_VALUE;
      for (Call call : ordered) {
        CallResult original = originals.get(call.callId());
        if (original == null) {
          skipped++;
          continue;
        }
        boolean wanted =
            outcome == ReplayOutcome.REPLAY_OUTCOME_ANY
                || outcome == ReplayOutcome.UNRECOGNIZED
                || (outcome == ReplayOutcome.REPLAY_OUTCOME_SUCCEEDED) == original.succeeded();
        if (wanted && calls.size() < max) {
          calls.add(call);
        }
      }
      return new Selected(calls, originals, chained, oldest, skipped);
    }
  }

  private static boolean matches(Call call, ReplayRequest request) {
    return (request.getCallId().isEmpty() || request.getCallId().equals(call.callId()))
        && (request.getUser().isEmpty() || request.getUser().equals(call.user()))
        && (request.getFunction().isEmpty() || request.getFunction().equals(call.function()));
  }

  /** What a chained call's replay needs of its record: not its input, which the replayed parent produces again. */
  private static Call stripped(Call c) {
    return new Call(c.callId(), c.user(), c.function(), new byte[0], false, c.submittedAtMillis(), c.digest(),
        c.parentCallId(), c.depth(), c.entryTableIndex(), "", c.seed());
  }

  /** The first result of each wanted call, read from the results topic from a little before the earliest call. */
  private Map<String, CallResult> originals(
      KafkaConsumer<String, byte[]> consumer, Map<String, Call> candidates, Map<String, Call> chained, long earliest) {
    Map<String, CallResult> found = new HashMap<>();
    if (candidates.isEmpty()) {
      return found;
    }
    List<TopicPartition> parts = partitions(consumer, topics.results());
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(parts));
    Map<TopicPartition, Long> times = new HashMap<>();
    parts.forEach(p -> times.put(p, Math.max(0, earliest - 60_000)));
    consumer.offsetsForTimes(times).forEach((p, ot) -> start.put(p, ot == null ? end.get(p) : ot.offset()));
    consumer.assign(parts);
    for (TopicPartition p : parts) {
      consumer.seek(p, start.get(p));
    }
    Map<TopicPartition, Long> left = new HashMap<>(end);
    left.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
    while (!left.isEmpty()) {
      for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
        if (rec.offset() >= end.get(new TopicPartition(rec.topic(), rec.partition())) || rec.key() == null) {
          continue;
        }
        if (!candidates.containsKey(rec.key()) && !chained.containsKey(rec.key())) {
          continue;
        }
        try {
          found.putIfAbsent(rec.key(), Codec.decodeResult(rec.value()));
        } catch (ProtocolException e) {
          // sent to the dead-letter topic by the result indexer
        }
      }
      left.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      consumer.pause(consumer.assignment().stream().filter(p -> !left.containsKey(p)).toList());
    }
    return found;
  }

  private Map<TopicPartition, long[]> ranges(
      KafkaConsumer<String, byte[]> consumer, ReplayRequest request, List<TopicPartition> parts,
      Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
    Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
    if (request.getPartitionsCount() > 0) {
      for (PartitionRange r : request.getPartitionsList()) {
        TopicPartition p = new TopicPartition(topics.calls(), r.getPartition());
        if (!end.containsKey(p)) {
          throw new IllegalArgumentException(
              "partition " + r.getPartition() + " does not exist (the calls topic has " + parts.size() + ")");
        }
        long from = Math.max(begin.get(p), r.getFromOffset());
        long to = r.hasToOffset() ? Math.min(end.get(p), r.getToOffset()) : end.get(p);
        ranges.put(p, new long[] {from, to});
      }
    } else {
      for (TopicPartition p : parts) {
        ranges.put(p, new long[] {begin.get(p), end.get(p)});
      }
    }
    if (request.hasFromMillis()) {
      offsetsAt(consumer, ranges, request.getFromMillis(), end).forEach((p, o) -> ranges.get(p)[0] =
          Math.max(ranges.get(p)[0], o));
    }
    if (request.hasToMillis()) {
      offsetsAt(consumer, ranges, request.getToMillis(), end).forEach((p, o) -> ranges.get(p)[1] =
          Math.min(ranges.get(p)[1], o));
    }
    return ranges;
  }

  /** The first offset at or after {@code millis} in each partition (its end when there is none). */
  private static Map<TopicPartition, Long> offsetsAt(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, long[]> ranges, long millis,
      Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> query = new HashMap<>();
    ranges.keySet().forEach(p -> query.put(p, millis));
    Map<TopicPartition, Long> out = new HashMap<>();
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    for (TopicPartition p : ranges.keySet()) {
      OffsetAndTimestamp ot = found.get(p);
      out.put(p, ot == null ? end.get(p) : ot.offset());
    }
    return out;
  }

  /** The timestamp of the oldest record still on the calls topic (0 when it is empty): one request for all. */
  private static long oldestTimestamp(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> query = new HashMap<>();
    begin.keySet().stream().filter(p -> begin.get(p) < end.get(p)).forEach(p -> query.put(p, 0L));
    long oldest = Long.MAX_VALUE;
    for (OffsetAndTimestamp ot : consumer.offsetsForTimes(query).values()) {
      if (ot != null) {
        oldest = Math.min(oldest, ot.timestamp());
      }
    }
    return oldest == Long.MAX_VALUE ? 0 : oldest;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
    List<TopicPartition> parts = new ArrayList<>();
    consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
    return parts;
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> props = kafka.consumerProps(clientId + "-replay-reader");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_CALL_MESSAGE_BYTES);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MAX_CALL_MESSAGE_BYTES);
    // Reading history: a fetch that finds nothing new should come back at once, not wait for more.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
