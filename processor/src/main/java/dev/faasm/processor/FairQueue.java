package dev.faasm.processor;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Calls waiting to be launched, one FIFO queue per user, served round-robin: a user with thousands of calls waiting
 * gets one launch, then the next user with calls waiting gets one, and so on. So a user's flood delays another user's
 * calls by at most one of the flooder's calls per launch, not by the whole backlog. An id already queued is not
 * queued twice. Not thread-safe (one per stream task, used on its stream thread).
 */
final class FairQueue {
  private final LinkedHashMap<String, ArrayDeque<String>> byUser = new LinkedHashMap<>();
  private final Set<String> queued = new HashSet<>();

  /** Queues {@code id} behind {@code user}'s other waiting calls; false if it is already queued. */
  boolean add(String user, String id) {
    if (!queued.add(id)) {
      return false;
    }
    byUser.computeIfAbsent(user, u -> new ArrayDeque<>()).add(id);
    return true;
  }

  /** The next call: the oldest of the user whose turn it is (that user then goes to the back); null if none. */
  String poll() {
    Iterator<Map.Entry<String, ArrayDeque<String>>> it = byUser.entrySet().iterator();
    if (!it.hasNext()) {
      return null;
    }
    Map.Entry<String, ArrayDeque<String>> turn = it.next();
    it.remove();
    String id = turn.getValue().poll();
    if (!turn.getValue().isEmpty()) {
      byUser.put(turn.getKey(), turn.getValue());
    }
    queued.remove(id);
    return id;
  }

  boolean isEmpty() {
    return queued.isEmpty();
  }

  int size() {
    return queued.size();
  }

  void clear() {
    byUser.clear();
    queued.clear();
  }
}
