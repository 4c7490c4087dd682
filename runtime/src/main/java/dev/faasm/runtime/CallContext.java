package dev.faasm.runtime;

import java.time.Duration;

/** The mutable state of one running call, shared by its host functions and its {@link GuestCall}. */
final class CallContext {
  private final Invocation invocation;
  private final long clockStartMillis;
  private final RuntimeConfig config;
  private final GuestScheduler.Slot slot;
  private final Watchdog.Guard guard;
  private final CallStreams streams;
  private final ChainedCalls chains;
  private final CallHost host;
  private LocalState state;
  private GuestFiles files;
  private byte[] writtenOutput;
  private CappedMemory memory;

  /** @param startedAtMillis when the call started running: the guest's clock start if the invocation sets none */
  CallContext(Invocation invocation, long startedAtMillis, RuntimeConfig config, CallHost host,
      GuestScheduler.Slot slot, Watchdog.Guard guard) {
    this.invocation = invocation;
    this.clockStartMillis = invocation.clockStartMillis() >= 0 ? invocation.clockStartMillis() : startedAtMillis;
    this.config = config;
    this.slot = slot;
    this.guard = guard;
    this.streams = new CallStreams(config.logLimitBytes(), config.outputLimitBytes());
    this.host = host;
    this.chains = new ChainedCalls(host, config.maxChainedCalls(), streams);
  }

  /** The call's filesystem, once it has one (modules that can open files). */
  void files(GuestFiles files) {
    this.files = files;
  }

  /** The call's filesystem; {@code null} for a module that cannot open files. */
  GuestFiles files() {
    return files;
  }

  /** The call's shared state (local copies and held locks), made on first use. */
  LocalState state() {
    if (state == null) {
      long memoryLimit = (long) config.memoryLimitPages() * RuntimeConfig.PAGE_BYTES;
      state = new LocalState(host::state, memoryLimit, this::remaining, slot);
    }
    return state;
  }

  /** Releases the locks the call still holds; the local copies go with the call. */
  void closeState() {
    if (state != null) {
      state.close();
    }
  }

  Invocation invocation() {
    return invocation;
  }

  /** Epoch millis the guest's WASI clock starts at. */
  long clockStartMillis() {
    return clockStartMillis;
  }

  RuntimeConfig config() {
    return config;
  }

  CallStreams streams() {
    return streams;
  }

  ChainedCalls chains() {
    return chains;
  }

  CallHost host() {
    return host;
  }

  GuestScheduler.Slot slot() {
    return slot;
  }

  Watchdog.Guard guard() {
    return guard;
  }

  Duration remaining() {
    return guard.remaining();
  }

  /** Output set by {@code __faasm_write_output}, or {@code null} if it was never called. */
  byte[] writtenOutput() {
    return writtenOutput;
  }

  void writeOutput(byte[] output) {
    if (output.length > config.outputLimitBytes()) {
      throw new GuestFailure(FailureKind.OUTPUT_LIMIT, "output of " + output.length
          + " bytes exceeds the limit of " + config.outputLimitBytes() + " bytes");
    }
    writtenOutput = output;
  }

  /** The guest's memory once the instance has one, else {@code null}. */
  CappedMemory memory() {
    return memory;
  }

  void memory(CappedMemory value) {
    memory = value;
  }

  /** Whether the guest's memory refused to grow past its cap during this call. */
  boolean memoryLimitReached() {
    return memory != null && memory.limitReached();
  }
}
