package dev.faasm.runtime;

import com.dylibso.chicory.wasm.Version;
import java.util.Objects;

/**
 * A module's generated JVM classes as Chicory's compile cache stores them (a jar under Chicory's key for the module),
 * so that a runtime that did not compile the module can load it without compiling. Valid only for the Chicory version
 * that made it: {@link FunctionRuntime#preload} ignores classes made by another.
 *
 * <p>These are classes the JVM runs as they are: a runtime must only be given classes from a source it trusts as much
 * as its own code.
 *
 * @param chicoryVersion the Chicory version that generated them
 * @param cacheKey Chicory's key for the module (its digest of the module's bytes)
 * @param jar the classes
 */
public record CompiledClasses(String chicoryVersion, String cacheKey, byte[] jar) {
  public CompiledClasses {
    Objects.requireNonNull(chicoryVersion, "chicoryVersion");
    Objects.requireNonNull(cacheKey, "cacheKey");
    Objects.requireNonNull(jar, "jar");
  }

  /** Whether this runtime's Chicory made them. */
  public boolean loadableHere() {
    return chicoryVersion.equals(Version.version());
  }
}
