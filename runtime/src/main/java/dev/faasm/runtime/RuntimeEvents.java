package dev.faasm.runtime;

/**
 * What the runtime tells whoever watches it (the platform's metrics), without knowing who that is. Called on guest
 * threads and must not block; the default does nothing.
 */
public interface RuntimeEvents {
  RuntimeEvents NONE = new RuntimeEvents() {};

  /** A module version was made ready to run: compiled from scratch, or loaded from the disk compile cache. */
  default void moduleLoaded(String digest, boolean compiled, long nanos) {}

  /**
   * A call's guest ended (a withdrawn call never started and is not reported).
   *
   * @param memoryBytes the guest's memory when it ended: its high-water mark, since wasm memory never shrinks
   */
  default void callEnded(Invocation invocation, CallOutcome outcome, long memoryBytes) {}
}
