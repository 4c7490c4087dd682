package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WASI clock and random bytes come from the invocation's replay inputs (clock start, seed), so a call run again
 * with the same inputs behaves identically. Runs {@code demo/clock_random}, which prints
 * {@code seconds=.. realtime_ns=.. monotonic_ns=.. resolution_ns=.. random=<16 bytes hex>}.
 */
class ReplayInputsTest {
  private static final long NEW_YEAR_2020_MILLIS = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
  private static final long NEW_YEAR_2020_NANOS = NEW_YEAR_2020_MILLIS * 1_000_000L;
  private static final byte[] SEED = "seed-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_SEED = "seed-0123456789abcdeg".getBytes(StandardCharsets.UTF_8);

  private FunctionRuntime runtime;
  private byte[] clockRandom;

  @BeforeEach
  void start() {
    runtime = new FunctionRuntime(RuntimeConfig.defaults());
    clockRandom = Wasm.load("demo", "clock_random");
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void sameClockStartAndSeedGiveByteIdenticalOutput() {
    byte[] first = run(runtime, replayable(NEW_YEAR_2020_MILLIS, SEED));
    byte[] second = run(runtime, replayable(NEW_YEAR_2020_MILLIS, SEED));

    assertArrayEquals(first, second, () -> text(first) + " vs " + text(second));
  }

  @Test
  void differentSeedsGiveDifferentRandomBytes() {
    Map<String, String> first = printed(run(runtime, replayable(NEW_YEAR_2020_MILLIS, SEED)));
    Map<String, String> second = printed(run(runtime, replayable(NEW_YEAR_2020_MILLIS, OTHER_SEED)));

    assertNotEquals(first.get("random"), second.get("random"));
    assertEquals(first.get("realtime_ns"), second.get("realtime_ns"), "the seed does not change the clock");
  }

  @Test
  void randomBytesAreTheHmacOfTheSeedAndBlockCounter() throws GeneralSecurityException {
    Map<String, String> printed = printed(run(runtime, replayable(NEW_YEAR_2020_MILLIS, SEED)));

    byte[] firstBlock = hmacSha256(SEED, new byte[8]);
    assertEquals(HexFormat.of().formatHex(Arrays.copyOf(firstBlock, 16)), printed.get("random"));
  }

  @Test
  void clockStartsAtTheInvocationsClockStartAndTicksOneMicrosecondPerRead() {
    Map<String, String> printed = printed(run(runtime, replayable(NEW_YEAR_2020_MILLIS, SEED)));

    // reads in order: time() (read 0), clock_gettime(REALTIME) (read 1), clock_gettime(MONOTONIC) (read 2)
    assertEquals("1577836800", printed.get("seconds"));
    assertEquals(Long.toString(NEW_YEAR_2020_NANOS + 1_000), printed.get("realtime_ns"));
    assertEquals("2000", printed.get("monotonic_ns"), "monotonic: the time since the clock start");
    assertEquals("1000", printed.get("resolution_ns"));
  }

  @Test
  void differentClockStartsGiveDifferentTimesAndTheSameRandomBytes() {
    Map<String, String> first = printed(run(runtime, replayable(NEW_YEAR_2020_MILLIS, SEED)));
    Map<String, String> later = printed(run(runtime, replayable(NEW_YEAR_2020_MILLIS + 86_400_000L, SEED)));

    assertEquals("1577923200", later.get("seconds"));
    assertEquals(first.get("random"), later.get("random"));
  }

  @Test
  void legacyConstructorDrawsAFreshSeedOnEveryRun() {
    Invocation legacy = new Invocation("demo", "clock_random", null, clockRandom, new byte[0], -1);

    Map<String, String> first = printed(run(runtime, legacy));
    Map<String, String> second = printed(run(runtime, legacy));

    assertEquals(-1, legacy.clockStartMillis());
    assertNull(legacy.seed());
    assertNotEquals(first.get("random"), second.get("random"));
  }

  @Test
  void withoutAClockStartTheClockStartsWhenTheCallStartsRunning() {
    Instant startedAt = Instant.parse("2031-05-06T07:08:09.123Z");
    try (FunctionRuntime fixed =
        new FunctionRuntime(RuntimeConfig.defaults(), Clock.fixed(startedAt, ZoneOffset.UTC))) {
      CallOutcome outcome =
          Outcomes.await(fixed.execute(Invocation.of("demo", "clock_random", clockRandom, new byte[0]),
              LocalCallHost.forUser(fixed, "demo")));

      assertSucceeded(outcome);
      assertEquals(startedAt.toEpochMilli(), outcome.startedAtMillis());
      assertEquals(Long.toString(startedAt.getEpochSecond()), printed(outcome.output()).get("seconds"));
      assertEquals(Long.toString(startedAt.toEpochMilli() * 1_000_000L + 1_000),
          printed(outcome.output()).get("realtime_ns"));
    }
  }

  @Test
  void guestRandomStreamDoesNotDependOnHowReadsAreSplit() {
    byte[] whole = new byte[100];
    new GuestRandom(SEED.clone()).nextBytes(whole);
    GuestRandom split = new GuestRandom(SEED.clone());
    byte[] head = new byte[7];
    byte[] tail = new byte[93];
    split.nextBytes(head);
    split.nextBytes(tail);

    byte[] joined = Arrays.copyOf(head, 100);
    System.arraycopy(tail, 0, joined, 7, 93);
    assertArrayEquals(whole, joined);
  }

  @Test
  void guestRandomRefusesToBeReseeded() {
    GuestRandom random = new GuestRandom(SEED.clone());

    assertThrows(UnsupportedOperationException.class, () -> random.setSeed(42));
  }

  @Test
  void guestClockMovesOneTickPerReadOfEitherClock() {
    GuestClock clock = new GuestClock(NEW_YEAR_2020_MILLIS);

    assertEquals(NEW_YEAR_2020_NANOS, clock.realtime());
    assertEquals(GuestClock.TICK_NANOS, clock.monotonic());
    assertEquals(NEW_YEAR_2020_NANOS + 2 * GuestClock.TICK_NANOS, clock.realtime());
    assertEquals(Instant.ofEpochSecond(0, NEW_YEAR_2020_NANOS + 3 * GuestClock.TICK_NANOS), clock.asClock().instant());
    assertEquals(4 * GuestClock.TICK_NANOS, clock.monotonic());
  }

  @Test
  void invocationRejectsShortSeedsAndClockStartsBeforeTheEpoch() {
    Invocation call = Invocation.of("demo", "clock_random", clockRandom, new byte[0]);

    assertThrows(IllegalArgumentException.class, () -> call.withReplayInputs(0, new byte[15]));
    assertThrows(IllegalArgumentException.class, () -> call.withReplayInputs(-2, SEED));
    assertThrows(IllegalArgumentException.class, () -> call.withReplayInputs(Long.MAX_VALUE, SEED));
  }

  @Test
  void invocationKeepsItsOwnCopyOfTheSeed() {
    byte[] seed = SEED.clone();
    Invocation call = replayable(NEW_YEAR_2020_MILLIS, seed);

    seed[0] ^= 1;
    call.seed()[1] ^= 1;

    assertArrayEquals(SEED, call.seed());
  }

  private Invocation replayable(long clockStartMillis, byte[] seed) {
    return Invocation.of("demo", "clock_random", clockRandom, new byte[0]).withReplayInputs(clockStartMillis, seed);
  }

  private static byte[] run(FunctionRuntime runtime, Invocation invocation) {
    CallOutcome outcome = Outcomes.await(runtime.execute(invocation, LocalCallHost.forUser(runtime, "demo")));
    assertSucceeded(outcome);
    return outcome.output();
  }

  /** The printed {@code key=value} pairs, in order; fails unless all five are there. */
  private static Map<String, String> printed(byte[] output) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : text(output).strip().split(" ")) {
      String[] keyValue = pair.split("=", 2);
      values.put(keyValue[0], keyValue.length > 1 ? keyValue[1] : null);
    }
    assertEquals(List.of("seconds", "realtime_ns", "monotonic_ns", "resolution_ns", "random"),
        List.copyOf(values.keySet()), () -> "output: " + text(output));
    return values;
  }

  private static byte[] hmacSha256(byte[] key, byte[] message) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message);
  }
}
