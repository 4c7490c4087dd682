package dev.faasm.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * One module version: the value of a record on the modules topic (key = its digest).
 *
 * @param storedAtMillis when it was stored; 0 for records written before this was recorded
 * @param compiled the module's classes as compiled at upload, if the record carries them
 */
public record StoredModule(String digest, byte[] wasm, long storedAtMillis, Optional<Compiled> compiled) {
  public StoredModule {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(compiled, "compiled");
  }

  public StoredModule(String digest, byte[] wasm, long storedAtMillis) {
    this(digest, wasm, storedAtMillis, Optional.empty());
  }

  /**
   * Chicory's generated classes for the module (a jar under Chicory's key for it), valid only for the Chicory version
   * that made them.
   */
  public record Compiled(String chicoryVersion, String cacheKey, byte[] jar) {
    public Compiled {
      Objects.requireNonNull(chicoryVersion, "chicoryVersion");
      Objects.requireNonNull(cacheKey, "cacheKey");
      Objects.requireNonNull(jar, "jar");
    }
  }
}
