package dev.faasm.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Compact, versioned binary encoding of every record the platform stores or sends.
 *
 * <p>Each encoding starts with a type tag byte and a format version byte, so a reader rejects a record of the wrong
 * type and a newer format with a {@link ProtocolException} naming the problem instead of misreading it. Integers are
 * varints, byte arrays and strings are length-prefixed. Fields are only ever appended: a reader of version N ignores
 * trailing fields added by a later minor revision.
 */
public final class Codec {
  private static final int CALL = 'C';
  private static final int RESULT = 'R';
  private static final int STATUS = 'S';
  private static final int FUNCTION = 'F';
  private static final int VERSION = 1;

  private Codec() {}

  public static byte[] encode(Call c) {
    return header(CALL, 64 + c.input().length)
        .string(c.callId())
        .string(c.user())
        .string(c.function())
        .bytes(c.input())
        .u8(c.sync() ? 1 : 0)
        .varint(c.submittedAtMillis())
        .string(c.digest())
        .string(c.parentCallId())
        .varint(c.depth())
        .svarint(c.entryTableIndex())
        .string(c.replyTo())
        .toByteArray();
  }

  public static Call decodeCall(byte[] data) {
    Wire.Reader r = open(data, CALL, "call");
    return new Call(
        r.string(), r.string(), r.string(), r.bytes(), r.u8() != 0, r.varint(), r.string(), r.string(),
        (int) r.varint(), (int) r.svarint(), r.string());
  }

  public static byte[] encode(CallResult res) {
    Wire.Writer w =
        header(RESULT, 64 + res.output().length + res.logs().length)
            .string(res.callId())
            .string(res.user())
            .string(res.function())
            .u8(res.state().ordinal())
            .string(res.failureKind())
            .svarint(res.returnCode())
            .bytes(res.output())
            .bytes(res.logs())
            .string(res.error())
            .varint(res.submittedAtMillis())
            .varint(res.startedAtMillis())
            .varint(res.finishedAtMillis())
            .varint(res.deferredChains().size());
    for (ChainRequest chain : res.deferredChains()) {
      w.string(chain.function()).bytes(chain.input()).svarint(chain.entryTableIndex());
    }
    return w.toByteArray();
  }

  public static CallResult decodeResult(byte[] data) {
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

  public static byte[] encode(CallStatus s) {
    return header(STATUS, 64)
        .string(s.callId())
        .string(s.user())
        .string(s.function())
        .u8(s.state().ordinal())
        .varint(s.submittedAtMillis())
        .varint(s.startedAtMillis())
        .string(s.processor())
        .toByteArray();
  }

  public static CallStatus decodeStatus(byte[] data) {
    Wire.Reader r = open(data, STATUS, "call status");
    return new CallStatus(
        r.string(), r.string(), r.string(), state(r.u8(), "call status"), r.varint(), r.varint(), r.string());
  }

  public static byte[] encode(FunctionMeta f) {
    return header(FUNCTION, 128)
        .string(f.user())
        .string(f.function())
        .string(f.digest())
        .varint(f.sizeBytes())
        .varint(f.uploadedAtMillis())
        .toByteArray();
  }

  public static FunctionMeta decodeFunction(byte[] data) {
    Wire.Reader r = open(data, FUNCTION, "function");
    return new FunctionMeta(r.string(), r.string(), r.string(), (int) r.varint(), r.varint());
  }

  private static Wire.Writer header(int tag, int sizeHint) {
    return new Wire.Writer(sizeHint).u8(tag).u8(VERSION);
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
