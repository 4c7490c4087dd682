package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.Codec;
import dev.faasm.registry.CallRecords;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The index of recent calls on a real broker: what it reads back at start, what it follows, chains and filters. */
class CallIndexIT {
  private final String prefix = "idx-" + CallIds.random().substring(0, 8) + "-";
  private final KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
  private final Topics topics = Topics.withPrefix(prefix, 2, (short) 1);

  @Test
  void readsBackRecentCallsThenFollowsNewOnesWithTheirChains() throws Exception {
    long now = System.currentTimeMillis();
    try (Admin admin = kafka.admin(); KafkaProducer<String, byte[]> producer = kafka.producer(prefix + "test")) {
      topics.ensure(admin);
      // Written before the index starts: an old call (outside the backfill) and a recent failed one.
      Call old = call("echo", "", 0, now - Duration.ofHours(3).toMillis());
      send(producer, old, now - Duration.ofHours(3).toMillis());
      Call failed = call("exit3", "", 0, now - 1000);
      send(producer, failed, now - 1000);
      producer.send(new ProducerRecord<>(topics.results(), failed.callId(),
          Codec.encode(result(failed, CallState.FAILED, now - 900, now - 800)))).get();
      producer.send(new ProducerRecord<>(topics.results(), "junk", new byte[] {1, 2, 3})).get();

      try (CallIndex index =
          new CallIndex(kafka, topics, Clock.systemUTC(), 100, Duration.ofHours(1)).start()) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(index::caughtUp);
        assertEquals(List.of(failed.callId()), ids(index.recent(filter(null, null))),
            "only the recent call, not the one from before the backfill, and not the undecodable record");
        CallIndex.Entry e = index.get(failed.callId()).orElseThrow();
        assertEquals(CallState.FAILED, e.state());
        assertEquals("NON_ZERO_EXIT", e.failure());
        assertEquals(100, e.durationMillis());

        // New calls: a root with two chained calls, one of which chains again; results arrive later.
        Call root = call("nested", "", 0, now);
        Call a = call("nested", root.callId(), 1, now + 1);
        Call b = call("echo", root.callId(), 1, now + 2);
        Call a1 = call("nested", a.callId(), 2, now + 3);
        for (Call c : List.of(root, a, b, a1)) {
          send(producer, c, c.submittedAtMillis());
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> index.get(a1.callId()).isPresent());
        assertEquals(CallState.QUEUED, index.get(root.callId()).orElseThrow().state());
        assertEquals(List.of(a1.callId(), b.callId(), a.callId(), root.callId()),
            ids(index.recent(filter(null, "unfinished"))), "newest first");
        for (Call c : List.of(a1, b, a, root)) {
          producer.send(new ProducerRecord<>(topics.results(), c.callId(),
              Codec.encode(result(c, CallState.SUCCEEDED, now + 10, now + 20)))).get();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> index.get(root.callId()).orElseThrow().state() == CallState.SUCCEEDED);

        CallIndex.Tree tree = index.tree(root.callId(), 100).orElseThrow();
        assertEquals(root.callId(), tree.call().callId());
        assertEquals(List.of(a.callId(), b.callId()), tree.children().stream().map(t -> t.call().callId()).toList());
        assertEquals(a1.callId(), tree.children().get(0).children().get(0).call().callId());
        assertEquals(3, count(index.tree(root.callId(), 3).orElseThrow()), "a tree is cut at the asked size");
        assertEquals(a.callId(), index.get(a1.callId()).orElseThrow().parentCallId());

        assertEquals(List.of(a1.callId(), b.callId(), a.callId(), root.callId()),
            ids(index.recent(filter(null, "succeeded"))));
        assertEquals(List.of(b.callId()), ids(index.recent(new CallIndex.Filter("u", "echo", null, 10))));
        assertEquals(List.of(), ids(index.recent(new CallIndex.Filter("someone-else", null, null, 10))));
        assertEquals(2, index.recent(new CallIndex.Filter("u", null, null, 2)).size());
      }
    }
  }

  private static int count(CallIndex.Tree t) {
    return 1 + t.children().stream().mapToInt(CallIndexIT::count).sum();
  }

  private static CallIndex.Filter filter(String function, String outcome) {
    return new CallIndex.Filter("u", function, outcome, 100);
  }

  private static List<String> ids(List<CallIndex.Entry> entries) {
    return entries.stream().map(CallIndex.Entry::callId).toList();
  }

  private void send(KafkaProducer<String, byte[]> producer, Call call, long timestamp) throws Exception {
    var r = CallRecords.of(topics.calls(), call);
    producer.send(new ProducerRecord<>(r.topic(), null, timestamp, r.key(), r.value(), r.headers())).get();
  }

  private static Call call(String function, String parent, int depth, long submitted) {
    return new Call(CallIds.random(), "u", function, new byte[0], false, submitted, "d", parent, depth, -1, "");
  }

  private static CallResult result(Call c, CallState state, long started, long finished) {
    boolean ok = state == CallState.SUCCEEDED;
    return new CallResult(c.callId(), c.user(), c.function(), state, ok ? "" : "NON_ZERO_EXIT", ok ? 0 : 3, null,
        null, ok ? "" : "exited with code 3", c.submittedAtMillis(), started, finished, List.of());
  }
}
