package dev.faasm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's committed functions; fails loudly with the path it looked for. */
final class Repo {
  private Repo() {}

  static Path root() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("wasm")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no wasm/ directory above " + dir);
  }

  static Path wasmDir() {
    return root().resolve("wasm");
  }

  static byte[] wasm(String user, String function) {
    Path file = wasmDir().resolve(user).resolve(function).resolve("function.wasm");
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("missing test function " + file, e);
    }
  }
}
