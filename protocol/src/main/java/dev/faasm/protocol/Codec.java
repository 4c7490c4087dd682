package dev.faasm.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.faasm.protocol.proto.CallRecord;
import dev.faasm.protocol.proto.CallStateProto;
import dev.faasm.protocol.proto.ChainRequestRecord;
import dev.faasm.protocol.proto.CompiledClassesRecord;
import dev.faasm.protocol.proto.FunctionRecord;
import dev.faasm.protocol.proto.ModuleRecord;
import dev.faasm.protocol.proto.ResultRecord;
import dev.faasm.protocol.proto.SharedFileRecord;
import dev.faasm.protocol.proto.StatusRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encoding of every record the platform stores or sends: protobuf messages from {@code src/main/proto/faasm/*.proto}
 * (numbered fields, enums by number), mapped to and from the platform's value types.
 *
 * <p>Evolution: fields are only ever added, with new numbers; a reader ignores fields it does not know (a newer
 * writer's) and sees defaults for fields an older writer did not set. Records of the format before protobuf (a type
 * tag and version byte 1) are still read, by {@link LegacyCodec}, and must carry the same required fields. A record
 * that is neither, or lacks a required field, is rejected with a {@link ProtocolException} naming the problem, never
 * misread.
 */
public final class Codec {
  private static final byte[] WASM_MAGIC = {0x00, 0x61, 0x73, 0x6d};

  private Codec() {}

  public static byte[] encode(Call c) {
    CallRecord.Builder b =
        CallRecord.newBuilder()
            .setCallId(c.callId())
            .setUser(c.user())
            .setFunction(c.function())
            .setInput(bytes(c.input()))
            .setSync(c.sync())
            .setSubmittedAtMillis(c.submittedAtMillis())
            .setDigest(c.digest())
            .setParentCallId(c.parentCallId())
            .setDepth(c.depth())
            .setReplyTo(c.replyTo())
            .setSeed(bytes(c.seed()))
            .setTraceParent(c.traceParent())
            .setRootCallId(c.rootCallId())
            .addAllArgs(c.args());
    if (c.entryTableIndex() >= 0) {
      b.setEntryTableIndex(c.entryTableIndex());
    }
    return b.build().toByteArray();
  }

  public static Call decodeCall(byte[] data) {
    return decodePending(data).call();
  }

  /** A call record as the processors' pending store keeps it: the call, and its failed platform attempts. */
  public record PendingCall(Call call, int attempts) {}

  /** {@link #decodeCall} and {@link #attempts} with one parse. */
  public static PendingCall decodePending(byte[] data) {
    if (LegacyCodec.isLegacy(data, LegacyCodec.CALL)) {
      Call c = LegacyCodec.decodeCall(data);
      require(!c.callId().isEmpty(), "call: no call id");
      require(!c.user().isEmpty() && !c.function().isEmpty(), "call " + c.callId() + ": no user or function");
      return new PendingCall(c, 0);
    }
    CallRecord r = parse(data, "call", CallRecord.parser());
    require(!r.getCallId().isEmpty(), "call: no call id");
    require(!r.getUser().isEmpty() && !r.getFunction().isEmpty(), "call " + r.getCallId() + ": no user or function");
    Call call = new Call(
        r.getCallId(), r.getUser(), r.getFunction(), r.getInput().toByteArray(), r.getSync(),
        r.getSubmittedAtMillis(), r.getDigest(), r.getParentCallId(), r.getDepth(),
        r.hasEntryTableIndex() ? r.getEntryTableIndex() : -1, r.getReplyTo(), r.getSeed().toByteArray(),
        r.getTraceParent(), r.getArgsList(), r.getRootCallId());
    return new PendingCall(call, r.getAttempts());
  }

  /** The failed platform attempts recorded in a call record (0 for a record that has none, or the old format). */
  public static int attempts(byte[] callRecord) {
    if (LegacyCodec.isLegacy(callRecord, LegacyCodec.CALL)) {
      return 0;
    }
    return parse(callRecord, "call", CallRecord.parser()).getAttempts();
  }

  /** The call record with its failed platform attempts set to {@code attempts} (an old-format record is rewritten). */
  public static byte[] withAttempts(byte[] callRecord, int attempts) {
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0: " + attempts);
    }
    byte[] current = LegacyCodec.isLegacy(callRecord, LegacyCodec.CALL) ? encode(decodeCall(callRecord)) : callRecord;
    return parse(current, "call", CallRecord.parser()).toBuilder().setAttempts(attempts).build().toByteArray();
  }

  public static byte[] encode(CallResult res) {
    ResultRecord.Builder b =
        ResultRecord.newBuilder()
            .setCallId(res.callId())
            .setUser(res.user())
            .setFunction(res.function())
            .setState(state(res.state()))
            .setFailureKind(res.failureKind())
            .setReturnCode(res.returnCode())
            .setOutput(bytes(res.output()))
            .setLogs(bytes(res.logs()))
            .setError(res.error())
            .setSubmittedAtMillis(res.submittedAtMillis())
            .setStartedAtMillis(res.startedAtMillis())
            .setFinishedAtMillis(res.finishedAtMillis())
            .setDigest(res.digest())
            .addAllChainedCallIds(res.chainedCallIds());
    if (res.returned() != CallResult.returnedByDefault(res.state(), res.failureKind())) {
      b.setReturned(res.returned()); // written only where it differs from what a reader derives without it
    }
    for (ChainRequest chain : res.deferredChains()) {
      ChainRequestRecord.Builder c =
          ChainRequestRecord.newBuilder().setFunction(chain.function()).setInput(bytes(chain.input()));
      if (chain.entryTableIndex() >= 0) {
        c.setEntryTableIndex(chain.entryTableIndex());
      }
      b.addDeferredChains(c);
    }
    return b.build().toByteArray();
  }

  public static CallResult decodeResult(byte[] data) {
    if (LegacyCodec.isLegacy(data, LegacyCodec.RESULT)) {
      CallResult r = LegacyCodec.decodeResult(data);
      require(!r.callId().isEmpty(), "call result: no call id");
      return r;
    }
    ResultRecord r = parse(data, "call result", ResultRecord.parser());
    require(!r.getCallId().isEmpty(), "call result: no call id");
    CallState state = state(r.getStateValue(), "call result " + r.getCallId());
    require(state.isFinal(), "call result " + r.getCallId() + ": a result must be final, not " + state);
    List<ChainRequest> chains = new ArrayList<>(r.getDeferredChainsCount());
    for (ChainRequestRecord c : r.getDeferredChainsList()) {
      chains.add(
          new ChainRequest(
              c.getFunction(), c.getInput().toByteArray(), c.hasEntryTableIndex() ? c.getEntryTableIndex() : -1));
    }
    return new CallResult(
        r.getCallId(), r.getUser(), r.getFunction(), state, r.getFailureKind(), r.getReturnCode(),
        r.getOutput().toByteArray(), r.getLogs().toByteArray(), r.getError(), r.getSubmittedAtMillis(),
        r.getStartedAtMillis(), r.getFinishedAtMillis(), chains, r.getDigest(), r.getChainedCallIdsList(),
        r.hasReturned() ? r.getReturned() : CallResult.returnedByDefault(state, r.getFailureKind()));
  }

  public static byte[] encode(CallStatus s) {
    return StatusRecord.newBuilder()
        .setCallId(s.callId())
        .setUser(s.user())
        .setFunction(s.function())
        .setState(state(s.state()))
        .setSubmittedAtMillis(s.submittedAtMillis())
        .setStartedAtMillis(s.startedAtMillis())
        .setProcessor(s.processor())
        .build()
        .toByteArray();
  }

  public static CallStatus decodeStatus(byte[] data) {
    if (LegacyCodec.isLegacy(data, LegacyCodec.STATUS)) {
      CallStatus st = LegacyCodec.decodeStatus(data);
      require(!st.callId().isEmpty(), "call status: no call id");
      return st;
    }
    StatusRecord r = parse(data, "call status", StatusRecord.parser());
    require(!r.getCallId().isEmpty(), "call status: no call id");
    return new CallStatus(
        r.getCallId(), r.getUser(), r.getFunction(), state(r.getStateValue(), "call status " + r.getCallId()),
        r.getSubmittedAtMillis(), r.getStartedAtMillis(), r.getProcessor());
  }

  public static byte[] encode(FunctionMeta f) {
    return FunctionRecord.newBuilder()
        .setUser(f.user())
        .setFunction(f.function())
        .setDigest(f.digest())
        .setSizeBytes(f.sizeBytes())
        .setUploadedAtMillis(f.uploadedAtMillis())
        .build()
        .toByteArray();
  }

  public static FunctionMeta decodeFunction(byte[] data) {
    if (LegacyCodec.isLegacy(data, LegacyCodec.FUNCTION)) {
      FunctionMeta f = LegacyCodec.decodeFunction(data);
      require(!f.user().isEmpty() && !f.function().isEmpty() && !f.digest().isEmpty(),
          "function: user, function and digest are required");
      return f;
    }
    FunctionRecord r = parse(data, "function", FunctionRecord.parser());
    require(!r.getUser().isEmpty() && !r.getFunction().isEmpty() && !r.getDigest().isEmpty(),
        "function: user, function and digest are required");
    return new FunctionMeta(r.getUser(), r.getFunction(), r.getDigest(), (int) r.getSizeBytes(),
        r.getUploadedAtMillis());
  }

  public static byte[] encode(StoredModule m) {
    ModuleRecord.Builder b = ModuleRecord.newBuilder()
        .setDigest(m.digest())
        .setWasm(bytes(m.wasm()))
        .setStoredAtMillis(m.storedAtMillis());
    m.compiled().ifPresent(c -> b.setCompiled(CompiledClassesRecord.newBuilder()
        .setChicoryVersion(c.chicoryVersion())
        .setCacheKey(c.cacheKey())
        .setJar(bytes(c.jar()))));
    return b.build().toByteArray();
  }

  /**
   * A record of the modules topic. Before protobuf its value was the bare module (it starts with the wasm magic);
   * then the digest is the record's key, given here as {@code keyDigest}.
   */
  public static StoredModule decodeModule(String keyDigest, byte[] data) {
    if (data != null && data.length >= 4 && data[0] == WASM_MAGIC[0] && data[1] == WASM_MAGIC[1]
        && data[2] == WASM_MAGIC[2] && data[3] == WASM_MAGIC[3]) {
      return new StoredModule(keyDigest, data, 0);
    }
    ModuleRecord r = parse(data, "module", ModuleRecord.parser());
    require(!r.getDigest().isEmpty(), "module: no digest");
    require(keyDigest == null || keyDigest.equals(r.getDigest()),
        "module: record keyed " + keyDigest + " holds module " + r.getDigest());
    Optional<StoredModule.Compiled> compiled = Optional.empty();
    if (r.hasCompiled()) {
      CompiledClassesRecord c = r.getCompiled();
      // Classes without a version or key cannot be matched to a runtime: the module is still usable without them.
      if (!c.getChicoryVersion().isEmpty() && !c.getCacheKey().isEmpty() && !c.getJar().isEmpty()) {
        compiled = Optional.of(
            new StoredModule.Compiled(c.getChicoryVersion(), c.getCacheKey(), c.getJar().toByteArray()));
      }
    }
    return new StoredModule(r.getDigest(), r.getWasm().toByteArray(), r.getStoredAtMillis(), compiled);
  }

  public static byte[] encode(SharedFile f) {
    return SharedFileRecord.newBuilder()
        .setUser(f.user())
        .setPath(f.path())
        .setData(bytes(f.data()))
        .setStoredAtMillis(f.storedAtMillis())
        .build()
        .toByteArray();
  }

  public static SharedFile decodeSharedFile(byte[] data) {
    SharedFileRecord r = parse(data, "shared file", SharedFileRecord.parser());
    require(!r.getUser().isEmpty(), "shared file: no user");
    String problem = SharedFile.checkPath(r.getPath());
    require(problem == null, "shared file: " + problem);
    return new SharedFile(r.getUser(), r.getPath(), r.getData().toByteArray(), r.getStoredAtMillis());
  }

  static CallStateProto state(CallState s) {
    return switch (s) {
      case QUEUED -> CallStateProto.CALL_STATE_QUEUED;
      case RUNNING -> CallStateProto.CALL_STATE_RUNNING;
      case SUCCEEDED -> CallStateProto.CALL_STATE_SUCCEEDED;
      case FAILED -> CallStateProto.CALL_STATE_FAILED;
    };
  }

  /** The state written by number; an unknown or missing number is an error, never a guess. */
  public static CallState state(int number, String what) {
    return switch (number) {
      case CallStateProto.CALL_STATE_QUEUED_VALUE -> CallState.QUEUED;
      case CallStateProto.CALL_STATE_RUNNING_VALUE -> CallState.RUNNING;
      case CallStateProto.CALL_STATE_SUCCEEDED_VALUE -> CallState.SUCCEEDED;
      case CallStateProto.CALL_STATE_FAILED_VALUE -> CallState.FAILED;
      default -> throw new ProtocolException(what + ": unknown call state " + number);
    };
  }

  /** Parses a protobuf record, turning every failure into a {@link ProtocolException} naming the record type. */
  public static <T> T parse(byte[] data, String what, com.google.protobuf.Parser<T> parser) {
    if (data == null) {
      throw new ProtocolException(what + ": no data");
    }
    try {
      return parser.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new ProtocolException(what + ": undecodable record (" + e.getMessage() + ")", e);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new ProtocolException(message);
    }
  }

  /** Wraps without copying: the value types hand out their arrays and the encoders only read them. */
  private static ByteString bytes(byte[] b) {
    return UnsafeByteOperations.unsafeWrap(b);
  }
}
