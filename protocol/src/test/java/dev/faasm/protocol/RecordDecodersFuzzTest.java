package dev.faasm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.faasm.protocol.proto.ReplayReport;
import java.util.function.Function;

/**
 * Fuzz targets for every record decoder: whatever bytes arrive on a topic or in Redis, a decoder returns a value or
 * throws {@link ProtocolException} naming the record type; nothing else escapes (a reader catches exactly that, and
 * anything else would stop it). A decoded record encodes and decodes to the same value.
 *
 * <p>{@code mvn verify} runs each target once per committed seed ({@code src/test/resources/.../
 * RecordDecodersFuzzTestInputs/<target>/}: the golden records of every version, plus inputs fuzzing found);
 * {@code fuzz/run.sh} fuzzes them (docs/fuzzing.md).
 */
class RecordDecodersFuzzTest {
  private static final String KEY_DIGEST = "aa".repeat(32);

  @FuzzTest(maxDuration = "10m")
  void decodeCall(byte[] data) {
    Call call = decodeOrReject(data, Codec::decodeCall);
    if (call != null) {
      assertEquals(call.callId(), Codec.decodeCall(Codec.encode(call)).callId());
    }
  }

  @FuzzTest(maxDuration = "10m")
  void decodeResult(byte[] data) {
    CallResult result = decodeOrReject(data, Codec::decodeResult);
    if (result != null) {
      CallResult again = Codec.decodeResult(Codec.encode(result));
      assertEquals(result.state(), again.state());
      assertEquals(result.deferredChains().size(), again.deferredChains().size());
    }
  }

  @FuzzTest(maxDuration = "10m")
  void decodeStatus(byte[] data) {
    CallStatus status = decodeOrReject(data, Codec::decodeStatus);
    if (status != null) {
      assertEquals(status, Codec.decodeStatus(Codec.encode(status)));
    }
  }

  @FuzzTest(maxDuration = "10m")
  void decodeFunction(byte[] data) {
    FunctionMeta meta = decodeOrReject(data, Codec::decodeFunction);
    if (meta != null) {
      assertEquals(meta, Codec.decodeFunction(Codec.encode(meta)));
    }
  }

  @FuzzTest(maxDuration = "10m")
  void decodeModule(byte[] data) {
    StoredModule module = decodeOrReject(data, d -> Codec.decodeModule(KEY_DIGEST, d));
    if (module != null) {
      assertEquals(KEY_DIGEST, Codec.decodeModule(KEY_DIGEST, Codec.encode(module)).digest());
    }
  }

  @FuzzTest(maxDuration = "10m")
  void decodeReplayReport(byte[] data) {
    decodeOrReject(data, d -> Codec.parse(d, "replay report", ReplayReport.parser()));
  }

  /** The decoded value, or null when the decoder rejected the bytes as it must: with a named ProtocolException. */
  private static <T> T decodeOrReject(byte[] data, Function<byte[], T> decoder) {
    try {
      T value = decoder.apply(data);
      assertNotNull(value, "a decoder returns a value or throws");
      return value;
    } catch (ProtocolException e) {
      assertNotNull(e.getMessage(), "a rejection names the problem");
      return null;
    }
  }
}
