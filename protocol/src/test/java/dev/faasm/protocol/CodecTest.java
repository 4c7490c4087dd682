package dev.faasm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CodecTest {
  private static final Call CALL =
      new Call("0123456789abcdef", "simon", "echo", new byte[] {0, 1, (byte) 255}, true, 1_700_000_000_123L,
          "ab".repeat(32), "fedcba9876543210", 3, 7, "faasm:reply:edge-1");

  @Test
  void attemptsAreKeptInTheCallRecordAndChangeNothingElse() throws Exception {
    byte[] plain = Codec.encode(CALL);
    assertEquals(0, Codec.attempts(plain));
    byte[] twice = Codec.withAttempts(Codec.withAttempts(plain, 1), 2);
    assertEquals(2, Codec.attempts(twice));
    assertEquals(CALL.callId(), Codec.decodeCall(twice).callId());
    assertArrayEquals(CALL.input(), Codec.decodeCall(twice).input());
    assertArrayEquals(plain, Codec.withAttempts(twice, 0), "0 attempts is the record as the edge wrote it");
    byte[] legacy = java.nio.file.Files.readAllBytes(
        java.nio.file.Path.of("src/test/resources/golden/v1/call.bin"));
    assertEquals(0, Codec.attempts(legacy));
    byte[] upgraded = Codec.withAttempts(legacy, 3);
    assertEquals(3, Codec.attempts(upgraded));
    assertEquals(Codec.decodeCall(legacy).callId(), Codec.decodeCall(upgraded).callId());
  }

  @Test
  void callRoundTripsEveryField() {
    Call back = Codec.decodeCall(Codec.encode(CALL));
    assertEquals(CALL.callId(), back.callId());
    assertEquals(CALL.user(), back.user());
    assertEquals(CALL.function(), back.function());
    assertArrayEquals(CALL.input(), back.input());
    assertTrue(back.sync());
    assertEquals(CALL.submittedAtMillis(), back.submittedAtMillis());
    assertEquals(CALL.digest(), back.digest());
    assertEquals(CALL.parentCallId(), back.parentCallId());
    assertEquals(3, back.depth());
    assertEquals(7, back.entryTableIndex());
    assertEquals(CALL.replyTo(), back.replyTo());
  }

  @Test
  void negativeEntryIndexSurvives() {
    Call c = new Call("0123456789abcdef", "u", "f", new byte[0], false, 0, "", null, 0, -1, null);
    assertEquals(-1, Codec.decodeCall(Codec.encode(c)).entryTableIndex());
  }

  @Test
  void resultRoundTripsWithChains() {
    CallResult r =
        new CallResult("0123456789abcdef", "simon", "chain", CallState.SUCCEEDED, "", 0, new byte[] {9},
            "log".getBytes(), "", 1, 2, 3, List.of(new ChainRequest("echo", new byte[] {1, 2}, -1)));
    CallResult back = Codec.decodeResult(Codec.encode(r));
    assertEquals(CallState.SUCCEEDED, back.state());
    assertArrayEquals(new byte[] {9}, back.output());
    assertEquals("log", new String(back.logs()));
    assertEquals(3, back.finishedAtMillis());
    assertEquals("echo", back.deferredChains().get(0).function());
    assertArrayEquals(new byte[] {1, 2}, back.deferredChains().get(0).input());
    assertEquals(-1, back.deferredChains().get(0).entryTableIndex());
  }

  @Test
  void resultKeepsChainedCallIdsAndWhetherTheFunctionReturned() {
    CallResult trapAfterChaining =
        new CallResult("0123456789abcdef", "demo", "f", CallState.FAILED, "TRAP", 0, null, null, "trap", 1, 2, 3,
            List.of(), "d", List.of("child-1", "child-2"), false);
    CallResult back = Codec.decodeResult(Codec.encode(trapAfterChaining));
    assertEquals(List.of("child-1", "child-2"), back.chainedCallIds());
    assertEquals(false, back.returned());
    // A limit broken after main returned 0: it did return, which the failure kind alone would not tell.
    CallResult outputLimit =
        new CallResult("0123456789abcdef", "demo", "f", CallState.FAILED, "OUTPUT_LIMIT", 0, null, null, "big", 1,
            2, 3, List.of(), "d", List.of(), true);
    assertEquals(true, Codec.decodeResult(Codec.encode(outputLimit)).returned());
    CallResult exit3 =
        new CallResult("0123456789abcdef", "demo", "f", CallState.FAILED, "NON_ZERO_EXIT", 3, null, null, "", 1, 2, 3,
            List.of(), "d");
    assertEquals(true, Codec.decodeResult(Codec.encode(exit3)).returned());
  }

  @Test
  void sharedFileRoundTripsAndBadPathsAreRejected() {
    SharedFile f = new SharedFile("demo", "data/a.txt", new byte[] {1, 2}, 7);
    SharedFile back = Codec.decodeSharedFile(Codec.encode(f));
    assertEquals("demo/data/a.txt", back.key());
    assertArrayEquals(new byte[] {1, 2}, back.data());
    assertEquals(7, back.storedAtMillis());
    for (String bad : new String[] {"", "/abs", "a/../b", "..", "a//b", "a/", "./a", "a b", "a\\b"}) {
      org.junit.jupiter.api.Assertions.assertNotNull(SharedFile.checkPath(bad), bad);
    }
  }

  @Test
  void statusAndFunctionRoundTrip() {
    CallStatus s = new CallStatus("0123456789abcdef", "u", "f", CallState.RUNNING, 5, 6, "p-1");
    assertEquals(s, Codec.decodeStatus(Codec.encode(s)));
    FunctionMeta f = new FunctionMeta("u", "f", "d", 10, 11);
    assertEquals(f, Codec.decodeFunction(Codec.encode(f)));
  }

  @Test
  void recordCutInsideAFieldIsRejectedNotMisread() {
    byte[] full = Codec.encode(CALL);
    for (int len : new int[] {1, 3, full.length - 1, full.length - 5}) {
      byte[] cut = Arrays.copyOf(full, len);
      assertThrows(ProtocolException.class, () -> Codec.decodeCall(cut), "length " + len);
    }
  }

  @Test
  void garbageAndMissingIdentityAreNamed() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertTrue(assertThrows(ProtocolException.class, () -> Codec.decodeCall(garbage)).getMessage()
        .startsWith("call: undecodable record"));
    assertTrue(assertThrows(ProtocolException.class, () -> Codec.decodeResult(new byte[0])).getMessage()
        .contains("no call id"));
    assertThrows(ProtocolException.class, () -> Codec.decodeCall(null));
  }

  @Test
  void unknownStateNumberIsRejectedNotGuessed() {
    byte[] status = Codec.encode(new CallStatus("0123456789abcdef", "u", "f", CallState.QUEUED, 1, 0, ""));
    byte[] future = dev.faasm.protocol.proto.StatusRecord.newBuilder()
        .mergeFrom(Codec.parse(status, "status", dev.faasm.protocol.proto.StatusRecord.parser()))
        .setStateValue(42)
        .build()
        .toByteArray();
    assertTrue(assertThrows(ProtocolException.class, () -> Codec.decodeStatus(future)).getMessage()
        .contains("unknown call state 42"));
  }

  @Test
  void legacyFormatOfANewerVersionIsNotMisread() {
    byte[] bogus = {'C', 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    assertThrows(ProtocolException.class, () -> Codec.decodeCall(bogus));
  }

  @Test
  void moduleRoundTripsAndBareWasmIsStillRead() {
    byte[] wasm = {0, 'a', 's', 'm', 1, 0, 0, 0};
    StoredModule m = new StoredModule("d1", wasm, 42);
    StoredModule back = Codec.decodeModule("d1", Codec.encode(m));
    assertEquals("d1", back.digest());
    assertArrayEquals(wasm, back.wasm());
    assertEquals(42, back.storedAtMillis());
    assertArrayEquals(wasm, Codec.decodeModule("d2", wasm).wasm());
    assertEquals("d2", Codec.decodeModule("d2", wasm).digest());
    assertThrows(ProtocolException.class, () -> Codec.decodeModule("other", Codec.encode(m)));
    assertTrue(back.compiled().isEmpty());
  }

  @Test
  void moduleCarriesItsCompiledClasses() {
    byte[] wasm = {0, 'a', 's', 'm', 1, 0, 0, 0};
    byte[] jar = {'P', 'K', 3, 4};
    StoredModule m = new StoredModule("d1", wasm, 42, Optional.of(new StoredModule.Compiled("1.6.1", "key", jar)));
    StoredModule.Compiled back = Codec.decodeModule("d1", Codec.encode(m)).compiled().orElseThrow();
    assertEquals("1.6.1", back.chicoryVersion());
    assertEquals("key", back.cacheKey());
    assertArrayEquals(jar, back.jar());
    // Classes that name no version cannot be matched to a runtime: the module is read without them.
    StoredModule unversioned =
        new StoredModule("d1", wasm, 42, Optional.of(new StoredModule.Compiled("", "key", jar)));
    StoredModule read = Codec.decodeModule("d1", Codec.encode(unversioned));
    assertTrue(read.compiled().isEmpty());
    assertArrayEquals(wasm, read.wasm());
  }

  @Test
  void seedsRoundTripAndChildSeedsAreDerived() {
    byte[] seed = CallIds.newSeed();
    Call c = new Call("0123456789abcdef", "u", "f", new byte[0], false, 0, "d", null, 0, -1, null, seed);
    assertArrayEquals(seed, Codec.decodeCall(Codec.encode(c)).seed());
    assertArrayEquals(c.childSeed("then", 0), c.childSeed("then", 0));
    assertFalse(Arrays.equals(c.childSeed("then", 0), c.childSeed("then", 1)));
    assertFalse(Arrays.equals(seed, c.childSeed("then", 0)));
  }

  @Test
  void resultMustBeFinal() {
    assertThrows(IllegalArgumentException.class,
        () -> new CallResult("0123456789abcdef", "u", "f", CallState.RUNNING, "", 0, null, null, null, 0, 0, 0, null));
  }

  @Test
  void childIdsAreDeterministicAndDistinct() {
    String a = CallIds.child("0123456789abcdef", "then", 0);
    assertEquals(a, CallIds.child("0123456789abcdef", "then", 0));
    assertNotEquals(a, CallIds.child("0123456789abcdef", "then", 1));
    assertNotEquals(a, CallIds.child("0123456789abcdef", "now", 0));
    assertTrue(CallIds.isValid(a));
    assertTrue(CallIds.isValid(CallIds.random()));
  }

  @Test
  void namesAreStrict() {
    assertTrue(Names.isValid("cool_func-2"));
    assertTrue(Names.isValid("a".repeat(64)));
    for (String bad : new String[] {"", "..", "a.b", "a/b", "a".repeat(65), "é", " a"}) {
      assertFalse(Names.isValid(bad), bad);
    }
  }
}
