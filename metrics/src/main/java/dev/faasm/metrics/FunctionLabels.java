package dev.faasm.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the cardinality of per-function labels: the first {@code max} functions seen get their own label ({@code
 * user/function}); every later one is counted under {@value #OTHER}. One user creating 10,000 functions therefore
 * adds at most {@code max} label values to every per-function meter, not 10,000.
 */
public final class FunctionLabels {
  public static final int DEFAULT_MAX = 200;
  public static final String OTHER = "_other";

  private final int max;
  private final Set<String> labelled = ConcurrentHashMap.newKeySet();
  private final AtomicInteger size = new AtomicInteger();

  public FunctionLabels(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0: " + max);
    }
    this.max = max;
  }

  public String label(String user, String function) {
    String name = user + "/" + function;
    if (labelled.contains(name)) {
      return name;
    }
    if (size.incrementAndGet() <= max) {
      labelled.add(name);
      return name;
    }
    size.decrementAndGet();
    return OTHER;
  }
}
