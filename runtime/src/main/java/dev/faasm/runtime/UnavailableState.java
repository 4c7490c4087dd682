package dev.faasm.runtime;

import java.time.Duration;
import java.util.List;

/** {@link StateHost#unavailable}: every operation throws {@link StateException} with the reason. */
final class UnavailableState implements StateHost {
  private final String reason;

  UnavailableState(String reason) {
    this.reason = reason;
  }

  private StateException refused() {
    return new StateException("shared state is not available: " + reason);
  }

  @Override
  public long maxValueBytes() {
    throw refused();
  }

  @Override
  public long size(String key) {
    throw refused();
  }

  @Override
  public byte[] get(String key) {
    throw refused();
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    throw refused();
  }

  @Override
  public void set(String key, byte[] value) {
    throw refused();
  }

  @Override
  public void setChunks(String key, List<Chunk> chunks) {
    throw refused();
  }

  @Override
  public void append(String key, byte[] element) {
    throw refused();
  }

  @Override
  public List<byte[]> appended(String key, int count) {
    throw refused();
  }

  @Override
  public void clearAppended(String key) {
    throw refused();
  }

  @Override
  public Lock lockGlobal(String key, Duration maxWait) {
    throw refused();
  }

  @Override
  public Lock lockLocal(String key, boolean write, Duration maxWait) {
    throw refused();
  }
}
