package dev.faasm.runtime;

import com.dylibso.chicory.wasi.WasiOptions;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sandboxed filesystem of one call, given to the guest as WASI preopens; every tree is an in-memory filesystem,
 * so no path the guest can name reaches the host's files:
 *
 * <ul>
 *   <li>{@code /} read-only: only the mount points {@code tmp}, {@code etc}, {@code share} ({@code stat("/")},
 *       {@code opendir("/")} work; {@code getcwd} is {@code /});
 *   <li>{@code /tmp} writable, this call's own, empty at start, at most {@link #TMP_LIMIT_BYTES}, gone when it ends;
 *   <li>{@code /etc} read-only: Faasm's harmless fakes {@code hosts}, {@code passwd}, {@code resolv.conf};
 *   <li>{@code /share} read-only: the calling user's shared files ({@link CallHost#sharedFiles()}), empty if none;
 *   <li>{@code /faasm:} the same, for Faasm's {@code faasm://<path>} names.
 * </ul>
 *
 * Read-only trees are enforced by {@link ReadOnlyFds}. {@code ..} and absolute paths never leave a preopen (Chicory
 * refuses them), and symbolic links can only point inside the tree they are in.
 */
final class GuestFiles implements AutoCloseable {
  /** Largest total size of a call's {@code /tmp}; writes beyond fail with an I/O error. */
  static final long TMP_LIMIT_BYTES = 16L * 1024 * 1024;

  static final String ROOT = "/";
  static final String TMP = "/tmp";
  static final String ETC = "/etc";
  static final String SHARE = "/share";
  /**
   * Faasm's name for shared files, {@code faasm://<path>}: wasi-libc makes the relative path {@code faasm://p}
   * absolute against the working directory {@code /}, which this preopen matches.
   */
  static final String FAASM_URL = "/faasm:";

  /** The preopens in the order Chicory numbers them, from fd 3. */
  private static final int FIRST_PREOPEN_FD = 3;

  /** Faasm's fake files (uid/gid 1, user {@code faasm}, home {@code /}). */
  static final Map<String, String> ETC_FILES =
      Map.of(
          "hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost\n",
          "passwd", "faasm:x:1:1:faasm:/:/bin/false\n",
          "resolv.conf", "nameserver 127.0.0.1\n");

  private static final Path ROOT_TREE = readOnlyTree("root", Map.of(), Set.of("tmp", "etc", "share"));
  private static final Path ETC_TREE = readOnlyTree("etc", ETC_FILES, Set.of());
  private static final Path EMPTY_SHARE = readOnlyTree("share", Map.of(), Set.of());

  private final FileSystem tmp;
  private final Path share;

  private GuestFiles(FileSystem tmp, Path share) {
    this.tmp = tmp;
    this.share = share;
  }

  /** A fresh filesystem for one call; {@code shared} is the user's shared files (read-only), if any. */
  static GuestFiles create(Optional<Path> shared) {
    FileSystem tmp = Jimfs.newFileSystem(treeConfiguration().setMaxSize(TMP_LIMIT_BYTES).setMaxCacheSize(0).build());
    return new GuestFiles(tmp, shared.orElse(EMPTY_SHARE));
  }

  /**
   * Adds the preopens; the guest sees them as fds 3 ({@code /}), 4 ({@code /tmp}), 5 ({@code /etc}), 6
   * ({@code /share}) and 7 ({@code /faasm:}).
   */
  void addTo(WasiOptions.Builder options) {
    options.withDirectory(ROOT, ROOT_TREE);
    options.withDirectory(TMP, tmp.getPath("/"));
    options.withDirectory(ETC, ETC_TREE);
    options.withDirectory(SHARE, share);
    options.withDirectory(FAASM_URL, share);
  }

  /**
   * The bytes of the file at {@code guestPath} as the guest sees it (an absolute path under {@code /tmp}, {@code
   * /etc} or {@code /share}, or {@code faasm://<path>} for a shared file), at most {@code maxBytes}; never anything
   * of the host.
   *
   * @throws IOException if there is no such file, the path leaves its tree, or the file is larger
   */
  byte[] read(String guestPath, long maxBytes) throws IOException {
    String path = guestPath.startsWith("faasm://") ? SHARE + "/" + guestPath.substring("faasm://".length()) : guestPath;
    Path base;
    String rest;
    if (path.equals(TMP) || path.startsWith(TMP + "/")) {
      base = tmp.getPath("/");
      rest = path.substring(TMP.length());
    } else if (path.equals(ETC) || path.startsWith(ETC + "/")) {
      base = ETC_TREE;
      rest = path.substring(ETC.length());
    } else if (path.equals(SHARE) || path.startsWith(SHARE + "/")) {
      base = share;
      rest = path.substring(SHARE.length());
    } else {
      throw new IOException("no such file: " + guestPath + " (files are under /tmp, /etc and /share)");
    }
    Path file = base;
    for (String part : rest.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new IOException("no such file: " + guestPath + " ('..' is not followed)");
      }
      file = file.resolve(part);
    }
    if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("no such file: " + guestPath);
    }
    long size = Files.size(file);
    if (size > maxBytes) {
      throw new IOException(guestPath + " is " + size + " bytes, over the limit of " + maxBytes);
    }
    return Files.readAllBytes(file);
  }

  /** The fds of the read-only preopens. */
  static Set<Integer> readOnlyPreopens() {
    return Set.of(FIRST_PREOPEN_FD, FIRST_PREOPEN_FD + 2, FIRST_PREOPEN_FD + 3, FIRST_PREOPEN_FD + 4);
  }

  @Override
  public void close() {
    try {
      tmp.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An in-memory Unix tree with the attributes Chicory's WASI reads ({@code unix:*}), and nothing in it (Jimfs would
   * otherwise create its working directory {@code /work}).
   */
  static Configuration.Builder treeConfiguration() {
    return Configuration.unix().toBuilder()
        .setAttributeViews("basic", "owner", "posix", "unix")
        .setWorkingDirectory("/");
  }

  private static Path readOnlyTree(String name, Map<String, String> files, Set<String> directories) {
    FileSystem fs = Jimfs.newFileSystem("faasm-" + name, treeConfiguration().build());
    Path root = fs.getPath("/");
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Files.write(root.resolve(file.getKey()), file.getValue().getBytes(StandardCharsets.UTF_8));
      }
      for (String directory : directories) {
        Files.createDirectory(root.resolve(directory));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the guests' " + name + " tree", e);
    }
    return root;
  }
}
