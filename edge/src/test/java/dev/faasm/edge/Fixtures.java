package dev.faasm.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's committed example modules; fails loudly with the path it looked for. */
final class Fixtures {
  private Fixtures() {}

  static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("wasm")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no wasm/ directory above " + dir);
  }

  static byte[] wasm(String user, String function) {
    Path file = repoRoot().resolve("wasm").resolve(user).resolve(function).resolve("function.wasm");
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("missing test module " + file, e);
    }
  }
}
