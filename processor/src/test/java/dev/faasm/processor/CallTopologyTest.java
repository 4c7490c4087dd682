package dev.faasm.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.Codec;
import dev.faasm.registry.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallTopologyTest {
  private final Topics topics = Topics.defaults();
  private final RecordingRunner runner = new RecordingRunner();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> calls;
  private TestInputTopic<String, byte[]> results;
  private KeyValueStore<String, byte[]> pending;

  /** Stands in for the guest side: records launches and lets the test finish them. */
  private static final class RecordingRunner implements CallRunner {
    final List<Call> launched = new ArrayList<>();
    final List<CompletableFuture<Void>> futures = new ArrayList<>();
    int backlog;

    @Override
    public CompletableFuture<Void> run(Call call) {
      launched.add(call);
      CompletableFuture<Void> f = new CompletableFuture<>();
      futures.add(f);
      return f;
    }

    final List<String> rejected = new ArrayList<>();
    final List<Call> alreadyFinished = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();

    @Override
    public void cancel(String callId) {
      cancelled.add(callId);
    }

    @Override
    public CompletableFuture<Void> finished(Call call) {
      alreadyFinished.add(call);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> reject(String callId, String replyTo, String reason) {
      rejected.add(callId + " " + replyTo + " " + reason);
      return CompletableFuture.completedFuture(null);
    }

    final List<String> gaveUp = new ArrayList<>();
    final List<CompletableFuture<Void>> giveUpFutures = new ArrayList<>();

    @Override
    public CompletableFuture<Void> giveUp(Call call, int attempts, String lastError) {
      gaveUp.add(call.callId() + " " + attempts + " " + lastError);
      CompletableFuture<Void> f = new CompletableFuture<>();
      giveUpFutures.add(f);
      return f;
    }

    @Override
    public int backlog() {
      return backlog;
    }
  }

  private final List<String> deadLetters = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    Path state = Files.createTempDirectory("topology-test");
    ProcessorConfig config = ProcessorConfig.defaults("test", state)
        .withRetry(new ProcessorConfig.Retry(3, Duration.ofSeconds(1), Duration.ofSeconds(3)));
    StreamsBuilder builder = new StreamsBuilder();
    CallTopology.build(builder, topics, runner, config,
        (topic, partition, offset, key, value, reason) -> deadLetters.add(topic + " " + key + " " + reason));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver = new TopologyTestDriver(builder.build(), props);
    calls = driver.createInputTopic(topics.calls(), new StringSerializer(), new ByteArraySerializer());
    results = driver.createInputTopic(topics.results(), new StringSerializer(), new ByteArraySerializer());
    pending = driver.getKeyValueStore(CallTopology.PENDING_STORE);
  }

  @AfterEach
  void tearDown() {
    if (driver != null) {
      driver.close();
    }
  }

  private static Call call(String id) {
    return new Call(id, "simon", "echo", new byte[] {1}, false, 1L, "d", "", 0, -1, "");
  }

  private void submit(Call c) {
    calls.pipeInput(c.callId(), Codec.encode(c));
  }

  private void tick() {
    driver.advanceWallClockTime(Duration.ofMillis(50));
  }

  @Test
  void acceptedCallIsPendingAndLaunchedOnce() {
    submit(call("0000000000000001"));
    assertEquals(1, runner.launched.size());
    assertNotNull(pending.get("0000000000000001"));
  }

  @Test
  void callLeavesThePendingStoreOnlyAfterItCompleted() {
    submit(call("0000000000000001"));
    tick();
    assertNotNull(pending.get("0000000000000001"));
    runner.futures.get(0).complete(null);
    tick();
    assertNull(pending.get("0000000000000001"));
  }

  @Test
  void failedCompletionStaysPendingAndIsRetried() {
    submit(call("0000000000000001"));
    runner.futures.get(0).completeExceptionally(new IllegalStateException("redis down"));
    tick();
    assertNotNull(pending.get("0000000000000001"));
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertEquals(2, runner.launched.size());
  }

  @Test
  void platformFailuresBackOffAreCountedInThePendingRecordAndEndInRetriesExhausted() {
    submit(call("0000000000000001"));
    runner.futures.get(0).completeExceptionally(new IllegalStateException("redis down"));
    tick();
    assertEquals(1, Codec.attempts(pending.get("0000000000000001")));
    driver.advanceWallClockTime(Duration.ofMillis(1_100)); // first backoff: 1 s
    assertEquals(2, runner.launched.size());
    runner.futures.get(1).completeExceptionally(new IllegalStateException("redis down"));
    tick();
    assertEquals(2, Codec.attempts(pending.get("0000000000000001")));
    driver.advanceWallClockTime(Duration.ofMillis(1_100)); // second backoff: 2 s, not over yet
    assertEquals(2, runner.launched.size());
    driver.advanceWallClockTime(Duration.ofMillis(1_000));
    assertEquals(3, runner.launched.size());
    runner.futures.get(2).completeExceptionally(new IllegalStateException("redis still down"));
    tick();
    driver.advanceWallClockTime(Duration.ofSeconds(4)); // capped at 3 s
    assertEquals(3, runner.launched.size(), "three attempts, no more runs");
    assertEquals(List.of("0000000000000001 3 java.lang.IllegalStateException: redis still down"), runner.gaveUp);
    assertNotNull(pending.get("0000000000000001"), "pending until its terminal failure is durable");
    runner.giveUpFutures.get(0).complete(null);
    tick();
    assertNull(pending.get("0000000000000001"));
  }

  @Test
  void aCallWithdrawnBecauseItsTaskLeftIsNotAFailedAttempt() {
    submit(call("0000000000000001"));
    runner.futures.get(0).completeExceptionally(new java.util.concurrent.CancellationException("task moved"));
    tick();
    assertEquals(0, Codec.attempts(pending.get("0000000000000001")));
  }

  @Test
  void redeliveredCallInFlightIsNotLaunchedTwice() {
    submit(call("0000000000000001"));
    submit(call("0000000000000001"));
    assertEquals(1, runner.launched.size());
  }

  @Test
  void backlogHoldsCallsInTheStoreUntilTheRuntimeCatchesUp() {
    runner.backlog = 1_000;
    submit(call("0000000000000001"));
    submit(call("0000000000000002"));
    assertEquals(0, runner.launched.size());
    assertNotNull(pending.get("0000000000000002"));
    runner.backlog = 0;
    tick();
    assertEquals(2, runner.launched.size());
    assertEquals("0000000000000001", runner.launched.get(0).callId());
  }

  @Test
  void undecodableCallIsDeadLetteredAndAnsweredAndLaterCallsStillRun() {
    org.apache.kafka.common.header.internals.RecordHeaders headers =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("faasm-reply-to", "faasm:reply:edge-7".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    calls.pipeInput(new org.apache.kafka.streams.test.TestRecord<>("00000000000000aa", new byte[] {(byte) 0xff, 2, 3},
        headers, java.time.Instant.now()));
    submit(call("0000000000000002"));
    assertEquals(1, runner.launched.size());
    assertNull(pending.get("00000000000000aa"));
    assertEquals(1, deadLetters.size());
    assertTrue(deadLetters.get(0).startsWith(topics.calls() + " 00000000000000aa call: undecodable"), deadLetters.get(0));
    assertEquals(1, runner.rejected.size());
    assertTrue(runner.rejected.get(0).startsWith("00000000000000aa faasm:reply:edge-7 undecodable call record"),
        runner.rejected.get(0));
  }

  @Test
  void callWhoseResultIsOnTheLogIsNotRunAgain() {
    CallResult done =
        new CallResult("0000000000000001", "simon", "echo", CallState.SUCCEEDED, "", 0, null, null, null, 1, 2, 3,
            List.of());
    results.pipeInput(done.callId(), Codec.encode(done));
    submit(call("0000000000000001"));
    submit(call("0000000000000002"));
    assertEquals(1, runner.launched.size());
    assertEquals("0000000000000002", runner.launched.get(0).callId());
    assertEquals(1, runner.alreadyFinished.size(), "its waiter is told instead");
    assertEquals("0000000000000001", runner.alreadyFinished.get(0).callId());
    tick();
    assertNull(pending.get("0000000000000001"));
  }

  @Test
  void firstResultOfACallWinsInTheIndexAndCorruptResultsAreDeadLettered() {
    KeyValueStore<String, Long> finished = driver.getKeyValueStore(CallTopology.FINISHED_STORE);
    CallResult first =
        new CallResult("0000000000000001", "simon", "echo", CallState.SUCCEEDED, "", 0, null, null, null, 1, 2, 3,
            List.of());
    CallResult second =
        new CallResult("0000000000000001", "simon", "echo", CallState.SUCCEEDED, "", 0, null, null, null, 1, 2, 9,
            List.of());
    results.pipeInput(first.callId(), Codec.encode(first), 3L);
    results.pipeInput(second.callId(), Codec.encode(second), 9L);
    assertEquals(3L, finished.get("0000000000000001"));
    results.pipeInput("0000000000000005", new byte[] {(byte) 0xff});
    assertNull(finished.get("0000000000000005"));
    assertEquals(1, deadLetters.size());
    assertTrue(deadLetters.get(0).startsWith(topics.results() + " 0000000000000005"), deadLetters.get(0));
  }

  @Test
  void aTaskLeavingThisProcessorWithdrawsItsLaunchedCallsButKeepsThemPending() {
    submit(call("0000000000000001"));
    submit(call("0000000000000002"));
    runner.futures.get(1).complete(null);
    tick();
    driver.close();
    assertEquals(List.of("0000000000000001"), runner.cancelled, "only the call still in flight is withdrawn");
    driver = null;
  }
}
