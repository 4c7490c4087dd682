package dev.faasm.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link StateHost} in memory, for testing the runtime's local copies in-process; records every global write. */
final class MemoryStateHost implements StateHost {
  final Map<String, byte[]> values = new HashMap<>();
  final Map<String, List<byte[]>> lists = new HashMap<>();
  final List<String> writes = new ArrayList<>();
  final Set<String> held = new HashSet<>();
  int fetches;

  @Override
  public long maxValueBytes() {
    return 1 << 20;
  }

  @Override
  public long size(String key) {
    return values.getOrDefault(key, new byte[0]).length;
  }

  @Override
  public byte[] get(String key) {
    fetches++;
    return values.getOrDefault(key, new byte[0]).clone();
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    fetches++;
    byte[] v = values.getOrDefault(key, new byte[0]);
    int from = (int) Math.min(offset, v.length);
    return Arrays.copyOfRange(v, from, (int) Math.min(v.length, offset + length));
  }

  @Override
  public void set(String key, byte[] value) {
    writes.add("set " + key + " " + value.length);
    values.put(key, value.clone());
  }

  @Override
  public void setChunks(String key, List<Chunk> chunks) {
    byte[] v = values.getOrDefault(key, new byte[0]);
    for (Chunk c : chunks) {
      writes.add("chunk " + key + " " + c.offset() + "+" + c.bytes().length);
      int end = (int) c.offset() + c.bytes().length;
      if (end > v.length) {
        v = Arrays.copyOf(v, end);
      }
      System.arraycopy(c.bytes(), 0, v, (int) c.offset(), c.bytes().length);
    }
    values.put(key, v);
  }

  @Override
  public void append(String key, byte[] element) {
    lists.computeIfAbsent(key, k -> new ArrayList<>()).add(element.clone());
  }

  @Override
  public List<byte[]> appended(String key, int count) {
    List<byte[]> all = lists.getOrDefault(key, List.of());
    return List.copyOf(all.subList(0, Math.min(count, all.size())));
  }

  @Override
  public void clearAppended(String key) {
    lists.remove(key);
  }

  @Override
  public Lock lockGlobal(String key, Duration maxWait) {
    return take("global " + key);
  }

  @Override
  public Lock lockLocal(String key, boolean write, Duration maxWait) {
    return take((write ? "write " : "read ") + key);
  }

  /** Exclusive locks without waiting: null if held. */
  private Lock take(String name) {
    if (!held.add(name)) {
      return null;
    }
    return () -> held.remove(name);
  }
}
