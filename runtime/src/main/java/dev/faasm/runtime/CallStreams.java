package dev.faasm.runtime;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A call's captured stdout and stderr. Both go, interleaved, to the logs, which keep the first {@code logLimit}
 * bytes and then a truncation marker (over-long logs never fail a call). Stdout is also kept separately, up to
 * {@code outputLimit} bytes, as the call's output for when the guest never calls {@code __faasm_write_output}.
 */
final class CallStreams {
  private final int logLimit;
  private final int outputLimit;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private boolean logsTruncated;
  private boolean stdoutOverflowed;

  CallStreams(int logLimit, int outputLimit) {
    this.logLimit = logLimit;
    this.outputLimit = outputLimit;
  }

  OutputStream stdout() {
    return new Sink(true);
  }

  OutputStream stderr() {
    return new Sink(false);
  }

  /** A line from the platform, in the logs only (never in stdout). */
  void log(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    write(false, bytes, 0, bytes.length);
  }

  synchronized byte[] logs() {
    return logs.toByteArray();
  }

  synchronized byte[] stdoutBytes() {
    return stdout.toByteArray();
  }

  /** Whether stdout went past the output limit (its tail was dropped). */
  synchronized boolean stdoutOverflowed() {
    return stdoutOverflowed;
  }

  private synchronized void write(boolean isStdout, byte[] bytes, int offset, int length) {
    if (isStdout) {
      int room = outputLimit - stdout.size();
      if (length > room) {
        stdoutOverflowed = true;
      }
      stdout.write(bytes, offset, Math.max(0, Math.min(length, room)));
    }
    int room = logLimit - logs.size();
    if (length > room && !logsTruncated) {
      logs.write(bytes, offset, Math.max(0, room));
      byte[] marker = ("\n[logs truncated at " + logLimit + " bytes]\n").getBytes(StandardCharsets.UTF_8);
      logs.write(marker, 0, marker.length);
      logsTruncated = true;
    } else if (!logsTruncated) {
      logs.write(bytes, offset, length);
    }
  }

  private final class Sink extends OutputStream {
    private final boolean isStdout;

    Sink(boolean isStdout) {
      this.isStdout = isStdout;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      CallStreams.this.write(isStdout, bytes, offset, length);
    }
  }
}
