package dev.faasm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Committed records of every type, written by each schema version, read by this build.
 *
 * <ul>
 *   <li>{@code golden/v1}: the format before protobuf (written by that build's codec);
 *   <li>{@code golden/v2}: this schema; this build must also write exactly these bytes, so a renumbered or retyped field
 *       fails here before it reaches a topic;
 *   <li>{@code golden/v3}: a newer writer's records, v2 plus fields this build does not know, which it must ignore.
 * </ul>
 *
 * Regenerate v2 and v3 (only when adding fields, never to paper over a change) with {@link #main}.
 */
class GoldenRecordsTest {
  static final String ID = "0123456789abcdef";
  static final String DIGEST = "aa".repeat(32);
  static final byte[] SEED = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

  static final Call CALL =
      new Call(ID, "simon", "echo", bytes("hello"), true, 1_700_000_000_123L, DIGEST, "fedcba9876543210", 2, 5,
          "faasm:reply:edge-1", SEED);
  static final CallResult RESULT =
      new CallResult(ID, "simon", "echo", CallState.FAILED, "TRAP", 3, bytes("out"), bytes("log line\n"), "trapped",
          1_700_000_000_123L, 1_700_000_000_200L, 1_700_000_000_300L,
          List.of(new ChainRequest("x2", bytes("in"), -1), new ChainRequest("echo", new byte[] {1, 2}, 7)), DIGEST);
  static final CallStatus STATUS =
      new CallStatus(ID, "simon", "echo", CallState.RUNNING, 1_700_000_000_123L, 1_700_000_000_200L, "proc-1");
  static final FunctionMeta FUNCTION = new FunctionMeta("simon", "echo", DIGEST, 1234, 1_700_000_000_000L);

  @Test
  void v1CallIsRead() {
    Call c = Codec.decodeCall(golden("v1", "call"));
    assertEquals(ID, c.callId());
    assertEquals("simon/echo", c.qualifiedName());
    assertArrayEquals(bytes("hello"), c.input());
    assertTrue(c.sync());
    assertEquals(1_700_000_000_123L, c.submittedAtMillis());
    assertEquals(DIGEST, c.digest());
    assertEquals("fedcba9876543210", c.parentCallId());
    assertEquals(2, c.depth());
    assertEquals(5, c.entryTableIndex());
    assertEquals("faasm:reply:edge-1", c.replyTo());
    assertEquals(0, c.seed().length, "format 1 had no seeds");
  }

  @Test
  void v1ResultIsRead() {
    CallResult r = Codec.decodeResult(golden("v1", "result"));
    assertResult(r);
    assertEquals("", r.digest(), "format 1 did not record the digest");
  }

  @Test
  void v1StatusFunctionAndModuleAreRead() {
    assertEquals(STATUS, Codec.decodeStatus(golden("v1", "status")));
    assertEquals(FUNCTION, Codec.decodeFunction(golden("v1", "function")));
    StoredModule m = Codec.decodeModule("digest-from-key", golden("v1", "module"));
    assertEquals("digest-from-key", m.digest());
    assertEquals(302, m.wasm().length);
  }

  @Test
  void thisBuildWritesExactlyTheV2Records() {
    assertArrayEquals(golden("v2", "call"), Codec.encode(CALL));
    assertArrayEquals(golden("v2", "result"), Codec.encode(RESULT));
    assertArrayEquals(golden("v2", "status"), Codec.encode(STATUS));
    assertArrayEquals(golden("v2", "function"), Codec.encode(FUNCTION));
    assertArrayEquals(golden("v2", "module"), Codec.encode(module()));
  }

  @Test
  void v2AndNewerV3RecordsAreRead() {
    for (String version : List.of("v2", "v3")) {
      Call c = Codec.decodeCall(golden(version, "call"));
      assertEquals(CALL.qualifiedName(), c.qualifiedName(), version);
      assertEquals(5, c.entryTableIndex(), version);
      assertArrayEquals(SEED, c.seed(), version);
      assertEquals("faasm:reply:edge-1", c.replyTo(), version);
      CallResult r = Codec.decodeResult(golden(version, "result"));
      assertResult(r);
      assertEquals(DIGEST, r.digest(), version);
      assertEquals(STATUS, Codec.decodeStatus(golden(version, "status")), version);
      assertEquals(FUNCTION, Codec.decodeFunction(golden(version, "function")), version);
      StoredModule m = Codec.decodeModule(DIGEST, golden(version, "module"));
      assertArrayEquals(module().wasm(), m.wasm(), version);
      assertEquals(1_700_000_000_000L, m.storedAtMillis(), version);
    }
  }

  @Test
  void v3RecordsReallyCarryFieldsThisBuildDoesNotKnow() {
    for (String type : List.of("call", "result", "status", "function", "module")) {
      assertTrue(golden("v3", type).length > golden("v2", type).length, type);
    }
  }

  private static void assertResult(CallResult r) {
    assertEquals(ID, r.callId());
    assertEquals(CallState.FAILED, r.state());
    assertEquals("TRAP", r.failureKind());
    assertEquals(3, r.returnCode());
    assertArrayEquals(bytes("out"), r.output());
    assertArrayEquals(bytes("log line\n"), r.logs());
    assertEquals("trapped", r.error());
    assertEquals(1_700_000_000_300L, r.finishedAtMillis());
    assertEquals(2, r.deferredChains().size());
    assertEquals(-1, r.deferredChains().get(0).entryTableIndex());
    assertEquals(7, r.deferredChains().get(1).entryTableIndex());
    assertArrayEquals(new byte[] {1, 2}, r.deferredChains().get(1).input());
  }

  static StoredModule module() {
    return new StoredModule(DIGEST, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}, 1_700_000_000_000L);
  }

  static byte[] golden(String version, String type) {
    String path = "/golden/" + version + "/" + type + ".bin";
    try (InputStream in = GoldenRecordsTest.class.getResourceAsStream(path)) {
      assertNotNull(in, "missing golden record " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A field a newer writer might add: number 1000 (far beyond any used), length-delimited. */
  static byte[] withFutureField(byte[] record) {
    byte[] extra = bytes("a field from a newer schema");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(record);
    int tag = (1000 << 3) | 2;
    writeVarint(out, tag);
    writeVarint(out, extra.length);
    out.writeBytes(extra);
    writeVarint(out, (1001 << 3)); // and a varint field
    writeVarint(out, 7);
    return out.toByteArray();
  }

  private static void writeVarint(java.io.ByteArrayOutputStream out, int v) {
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  /** Writes golden/v2 and golden/v3 under the given resources directory. */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    List<String> types = List.of("call", "result", "status", "function", "module");
    List<byte[]> records =
        List.of(Codec.encode(CALL), Codec.encode(RESULT), Codec.encode(STATUS), Codec.encode(FUNCTION),
            Codec.encode(module()));
    for (int i = 0; i < types.size(); i++) {
      Files.createDirectories(root.resolve("golden/v2"));
      Files.createDirectories(root.resolve("golden/v3"));
      Files.write(root.resolve("golden/v2/" + types.get(i) + ".bin"), records.get(i));
      Files.write(root.resolve("golden/v3/" + types.get(i) + ".bin"), withFutureField(records.get(i)));
    }
  }
}
