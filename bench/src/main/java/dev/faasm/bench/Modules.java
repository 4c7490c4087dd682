package dev.faasm.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The committed example modules ({@code wasm/<user>/<function>/function.wasm}) and variants of them. */
final class Modules {
  private Modules() {}

  /**
   * The repository's {@code wasm/} directory: {@code -Dfaasm.wasm-dir}, else the first {@code wasm/} found walking up
   * from the working directory. Fails naming where it looked.
   */
  static Path wasmDir() {
    String configured = System.getProperty("faasm.wasm-dir");
    if (configured != null) {
      Path dir = Path.of(configured).toAbsolutePath();
      if (!Files.isDirectory(dir)) {
        throw new IllegalStateException("-Dfaasm.wasm-dir=" + configured + " is not a directory");
      }
      return dir;
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("wasm/simon/echo/function.wasm"))) {
        return dir.resolve("wasm");
      }
    }
    throw new IllegalStateException("no wasm/simon/echo/function.wasm in " + start + " or above; set -Dfaasm.wasm-dir");
  }

  /** The repository root (the parent of {@link #wasmDir()}). */
  static Path repoRoot() {
    return wasmDir().getParent();
  }

  static Path path(String user, String function) {
    return wasmDir().resolve(user).resolve(function).resolve("function.wasm");
  }

  static byte[] read(String user, String function) {
    Path file = path(user, function);
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * {@code wasm} with a custom section named {@code name} holding {@code payload} appended: the same program (custom
   * sections have no semantics) with a different digest, i.e. a module no cache has seen.
   */
  static byte[] withCustomSection(byte[] wasm, String name, byte[] payload) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    writeU32(content, nameBytes.length);
    content.writeBytes(nameBytes);
    content.writeBytes(payload);
    ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length + content.size() + 8);
    out.writeBytes(wasm);
    out.write(0); // custom section id
    writeU32(out, content.size());
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  /** A variant of {@code wasm} unique to {@code counter} (and to this JVM run). */
  static byte[] variant(byte[] wasm, long counter) {
    String tag = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + counter;
    return withCustomSection(wasm, "faasm-bench", tag.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeU32(ByteArrayOutputStream out, int value) {
    int v = value;
    do {
      int b = v & 0x7f;
      v >>>= 7;
      out.write(v != 0 ? b | 0x80 : b);
    } while (v != 0);
  }
}
