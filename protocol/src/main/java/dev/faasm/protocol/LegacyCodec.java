package dev.faasm.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Reader of the records written before the protobuf schemas (format 1, a hand-written binary encoding): a type tag
 * byte, a version byte (1), varints and length-prefixed bytes. Kept so that records still on the topics or in the
 * result store from an older build are read, never misread: {@link Codec} sends such records here.
 */
final class LegacyCodec {
  static final int CALL = 'C';
  static final int RESULT = 'R';
  static final int STATUS = 'S';
  static final int FUNCTION = 'F';
  static final int VERSION = 1;

  private LegacyCodec() {}

  /** Whether {@code data} starts like a format-1 record of this type. */
  static boolean isLegacy(byte[] data, int tag) {
    return data != null && data.length >= 2 && (data[0] & 0xFF) == tag && data[1] == VERSION;
  }

  static Call decodeCall(byte[] data) {
    Wire.Reader r = open(data, CALL, "call");
    return new Call(
        r.string(), r.string(), r.string(), r.bytes(), r.u8() != 0, r.varint(), r.string(), r.string(),
        (int) r.varint(), (int) r.svarint(), r.string());
  }

  static CallResult decodeResult(byte[] data) {
    Wire.Reader r = open(data, RESULT, "call result");
    String callId = r.string();
    String user = r.string();
    String function = r.string();
    CallState state = state(r.u8(), "call result");
    String kind = r.string();
    int rc = (int) r.svarint();
    byte[] output = r.bytes();
    byte[] logs = r.bytes();
    String error = r.string();
    long submitted = r.varint();
    long started = r.varint();
    long finished = r.varint();
    long n = r.varint();
    List<ChainRequest> chains = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      chains.add(new ChainRequest(r.string(), r.bytes(), (int) r.svarint()));
    }
    try {
      return new CallResult(
          callId, user, function, state, kind, rc, output, logs, error, submitted, started, finished, chains);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("call result: " + e.getMessage(), e);
    }
  }

  static CallStatus decodeStatus(byte[] data) {
    Wire.Reader r = open(data, STATUS, "call status");
    return new CallStatus(
        r.string(), r.string(), r.string(), state(r.u8(), "call status"), r.varint(), r.varint(), r.string());
  }

  static FunctionMeta decodeFunction(byte[] data) {
    Wire.Reader r = open(data, FUNCTION, "function");
    return new FunctionMeta(r.string(), r.string(), r.string(), (int) r.varint(), r.varint());
  }

  private static Wire.Reader open(byte[] data, int tag, String what) {
    Wire.Reader r = new Wire.Reader(data, what);
    int actualTag = r.u8();
    if (actualTag != tag) {
      throw new ProtocolException(what + ": unexpected record type 0x" + Integer.toHexString(actualTag));
    }
    int version = r.u8();
    if (version != VERSION) {
      throw new ProtocolException(what + ": unsupported format version " + version + " (this build reads " + VERSION + ")");
    }
    return r;
  }

  private static CallState state(int ordinal, String what) {
    CallState[] states = CallState.values();
    if (ordinal >= states.length) {
      throw new ProtocolException(what + ": unknown state " + ordinal);
    }
    return states[ordinal];
  }
}
