package dev.faasm.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way tests load the example functions: {@code wasm/<user>/<function>/function.wasm}, from the repository's
 * {@code wasm/} directory (found by walking up from {@code user.dir}; {@code -Dfaasm.wasmDir=...} overrides it).
 * Fails loudly, naming the missing path.
 */
final class Wasm {
  private Wasm() {}

  static byte[] load(String user, String function) {
    Path file = path(user, function);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("missing wasm fixture " + file + " (build it with func/build.sh)");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read wasm fixture " + file, e);
    }
  }

  static Path path(String user, String function) {
    return dir().resolve(user).resolve(function).resolve("function.wasm");
  }

  static boolean exists(String user, String function) {
    return Files.isRegularFile(path(user, function));
  }

  static Path dir() {
    String override = System.getProperty("faasm.wasmDir");
    if (override != null) {
      return Path.of(override);
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("wasm")) && Files.isDirectory(dir.resolve("runtime"))) {
        return dir.resolve("wasm");
      }
    }
    throw new AssertionError("no wasm/ directory in " + start + " or above (build it with func/build.sh)");
  }
}
