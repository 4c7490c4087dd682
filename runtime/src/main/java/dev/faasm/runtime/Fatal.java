package dev.faasm.runtime;

/**
 * The JVM's own failures, which no guest causes and no call may swallow: an {@link OutOfMemoryError} means the
 * process ran out, not that a guest hit its memory limit (that is {@link CappedMemory}'s cap). A guest's unbounded
 * recursion ({@link StackOverflowError} on its own thread) is the guest's failure and is not fatal.
 */
final class Fatal {
  private Fatal() {}

  /** Rethrows {@code t}, or the JVM error it carries as a cause, if it is one; returns otherwise. */
  static void rethrowIfFatal(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof VirtualMachineError e && !(e instanceof StackOverflowError)) {
        throw e;
      }
    }
  }
}
