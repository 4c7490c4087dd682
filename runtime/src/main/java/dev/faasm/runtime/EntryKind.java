package dev.faasm.runtime;

/** How the host enters a module (see docs/abi.md). */
public enum EntryKind {
  /** Exports {@code exec(i32) -> i32}: the original Faasm API with {@code struct FaasmMemory}. */
  ORIGINAL_EXEC,
  /** Exports {@code _start}: a WASI command using the host interface and WASI. */
  WASI_START
}
