package dev.faasm.protocol;

import java.util.Objects;

/**
 * One module version: the value of a record on the modules topic (key = its digest).
 *
 * @param storedAtMillis when it was stored; 0 for records written before this was recorded
 */
public record StoredModule(String digest, byte[] wasm, long storedAtMillis) {
  public StoredModule {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(wasm, "wasm");
  }
}
