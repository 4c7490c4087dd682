package dev.faasm.runtime;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The WASI clock of one call: a logical clock, so that a replay of the call reads the same times.
 *
 * <p>Read number {@code n} (from 0) of the call returns {@code start + n µs} from the realtime clock, where
 * {@code start} is the call's {@link Invocation#clockStartMillis() clock start}, and {@code n µs} from the monotonic
 * clock (the time since the start). Both clocks share one timeline and one counter: time moves forward by
 * {@value #TICK_NANOS} ns per read, never backwards, and does not depend on how long the guest really ran. The
 * monotonic clock starts at 0 rather than at {@code start} so that a guest sleeping until an absolute monotonic time
 * (which Chicory's {@code poll_oneoff} measures against the host's {@code System.nanoTime}) never waits for decades.
 * The CPU-time clocks (process and thread) read the monotonic clock: a call's logical CPU time is its logical time
 * since the start, so {@code clock()} of wasi-libc's emulated process clocks works, and replays alike. Used by one
 * guest thread only.
 */
final class GuestClock {
  /** How far each read moves the clock, and the resolution {@code clock_res_get} reports. */
  static final long TICK_NANOS = 1_000;

  private static final int REALTIME = 0;
  private static final int MONOTONIC = 1;
  private static final int PROCESS_CPUTIME = 2;
  private static final int THREAD_CPUTIME = 3;
  /** WASI errno values (Chicory's {@code WasiErrno} is not public). */
  private static final int ESUCCESS = 0;
  private static final int EINVAL = 28;

  private final long startNanos;
  private long reads;

  /** @param startMillis epoch millis of the first reading */
  GuestClock(long startMillis) {
    this.startNanos = Math.multiplyExact(startMillis, 1_000_000L);
  }

  /** The next realtime reading, in nanoseconds since the epoch; each read moves the clock one tick. */
  long realtime() {
    return startNanos + TICK_NANOS * reads++;
  }

  /** The next monotonic reading, in nanoseconds since the clock start; each read moves the clock one tick. */
  long monotonic() {
    return TICK_NANOS * reads++;
  }

  /**
   * This clock as a {@link Clock}, for the places where Chicory reads WASI's {@code Clock} itself (absolute
   * realtime timeouts in {@code poll_oneoff}); every {@code instant()} is a read.
   */
  Clock asClock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a guest clock is UTC only");
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochSecond(0, realtime());
      }
    };
  }

  /**
   * Replaces Chicory's {@code clock_time_get} (whose monotonic clock is the host's {@code System.nanoTime}) and
   * {@code clock_res_get}; any other function is returned as it is.
   */
  HostFunction replace(HostFunction wasiFunction) {
    return switch (wasiFunction.name()) {
      case "clock_time_get" -> new HostFunction(wasiFunction.module(), wasiFunction.name(),
          wasiFunction.functionType(), this::clockTimeGet);
      case "clock_res_get" -> new HostFunction(wasiFunction.module(), wasiFunction.name(),
          wasiFunction.functionType(), GuestClock::clockResGet);
      default -> wasiFunction;
    };
  }

  /** {@code clock_time_get(id: i32, precision: i64, result: i32) -> errno}; the precision is ignored. */
  private long[] clockTimeGet(Instance instance, long... args) {
    int id = (int) args[0];
    int resultPointer = (int) args[2];
    int errno = errnoFor(id);
    if (errno == ESUCCESS) {
      instance.memory().writeLong(resultPointer, id == REALTIME ? realtime() : monotonic());
    }
    return new long[] {errno};
  }

  /** {@code clock_res_get(id: i32, result: i32) -> errno}. */
  private static long[] clockResGet(Instance instance, long... args) {
    int id = (int) args[0];
    int resultPointer = (int) args[1];
    int errno = errnoFor(id);
    if (errno == ESUCCESS) {
      instance.memory().writeLong(resultPointer, TICK_NANOS);
    }
    return new long[] {errno};
  }

  private static int errnoFor(int id) {
    return switch (id) {
      case REALTIME, MONOTONIC, PROCESS_CPUTIME, THREAD_CPUTIME -> ESUCCESS;
      default -> EINVAL;
    };
  }
}
