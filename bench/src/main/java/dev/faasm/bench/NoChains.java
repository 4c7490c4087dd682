package dev.faasm.bench;

import dev.faasm.runtime.CallHost;
import dev.faasm.runtime.CallHostException;
import dev.faasm.runtime.ChainResult;
import java.time.Duration;

/** A {@link CallHost} for functions that do not chain: any chained call fails the calling guest's call. */
final class NoChains implements CallHost {
  static final NoChains INSTANCE = new NoChains();

  private NoChains() {}

  @Override
  public String dispatchNow(String function, byte[] input, int entryTableIndex) {
    throw new CallHostException("the benchmark host runs no chained calls (asked for " + function + ")");
  }

  @Override
  public ChainResult await(String callId, Duration maxWait) {
    throw new CallHostException("the benchmark host runs no chained calls");
  }
}
