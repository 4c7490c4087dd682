package dev.faasm.runtime;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.wasm.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chicory's compile cache on disk: the runtime compiler stores each module's generated classes as a jar under its
 * key (Chicory's module digest) and loads them instead of compiling on a later run. Entries live under a
 * per-Chicory-version directory (generated classes are only valid for the Chicory that made them) and are written
 * to a temp file then moved into place, so concurrent writers and crashes never leave a partial entry. Disk errors
 * never fail a compile: a failed read is a miss, a failed write is logged. There is no eviction.
 */
final class DiskCompileCache implements Cache {
  private static final Logger log = LoggerFactory.getLogger(DiskCompileCache.class);

  private final Path dir;
  private final Path tmpDir;

  DiskCompileCache(Path root) {
    this.dir = root.resolve("chicory-" + Version.version());
    this.tmpDir = dir.resolve(".tmp");
    try {
      Files.createDirectories(tmpDir);
    } catch (IOException e) {
      throw new FaasmRuntimeException("cannot create compile cache directory " + tmpDir, e);
    }
  }

  @Override
  public byte[] get(String key) {
    Path file = fileFor(key);
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      log.warn("cannot read compile cache entry {}, compiling instead", file, e);
      return null;
    }
  }

  @Override
  public void putIfAbsent(String key, byte[] data) {
    Path file = fileFor(key);
    if (Files.exists(file)) {
      return;
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile(tmpDir, "entry", ".jar");
      Files.write(tmp, data);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (FileAlreadyExistsException e) {
      log.debug("compile cache entry {} was written concurrently", file);
    } catch (IOException e) {
      log.warn("cannot write compile cache entry {}", file, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** Drops an entry that could not be loaded. */
  void remove(String key) {
    deleteQuietly(fileFor(key));
  }

  Path fileFor(String key) {
    return dir.resolve(Digests.sha256Hex(key.getBytes(StandardCharsets.UTF_8)) + ".jar");
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot delete {}", file, e);
    }
  }
}
