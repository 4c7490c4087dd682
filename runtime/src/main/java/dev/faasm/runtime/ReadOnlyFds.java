package dev.faasm.runtime;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import java.util.HashSet;
import java.util.Set;

/**
 * Makes some of a guest's directory trees read-only: wraps Chicory's WASI functions so that anything that would
 * change a file or directory opened under a read-only preopen fails with {@code EROFS} (or {@code EBADF} for writes
 * through a file descriptor), and tracks which descriptors were opened under one. Chicory has no read-only preopens.
 */
final class ReadOnlyFds {
  static final int ERRNO_BADF = 8;
  static final int ERRNO_ROFS = 69;

  // WASI rights and flags (wasi_snapshot_preview1)
  private static final long RIGHT_FD_WRITE = 1L << 6;
  private static final long RIGHT_FD_ALLOCATE = 1L << 8;
  private static final long RIGHT_FD_FILESTAT_SET_SIZE = 1L << 22;
  private static final long WRITE_RIGHTS = RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE;
  private static final int OFLAG_CREAT = 1;
  private static final int OFLAG_EXCL = 4;
  private static final int OFLAG_TRUNC = 8;
  private static final int FDFLAG_APPEND = 1;

  private final Set<Integer> readOnly;

  ReadOnlyFds(Set<Integer> readOnlyPreopens) {
    this.readOnly = new HashSet<>(readOnlyPreopens);
  }

  /** Whether the descriptor was opened under a read-only tree. */
  boolean isReadOnly(int fd) {
    return readOnly.contains(fd);
  }

  HostFunction wrap(HostFunction f) {
    WasmFunctionHandle inner = f.handle();
    WasmFunctionHandle guarded =
        switch (f.name()) {
          case "path_open" -> (instance, args) -> pathOpen(inner, instance, args);
          // (fd, ...): changes what is under fd
          case "path_create_directory", "path_remove_directory", "path_unlink_file", "path_filestat_set_times",
              "fd_filestat_set_times" -> refuseIf(inner, ERRNO_ROFS, 0);
          case "fd_write", "fd_pwrite", "fd_allocate", "fd_filestat_set_size" -> refuseIf(inner, ERRNO_BADF, 0);
          // (old_path, old_len, fd, new_path, new_len)
          case "path_symlink" -> refuseIf(inner, ERRNO_ROFS, 2);
          // (old_fd, old_flags, old_path, old_len, new_fd, ...)
          case "path_link" -> refuseIf(inner, ERRNO_ROFS, 0, 4);
          // (old_fd, old_path, old_len, new_fd, ...)
          case "path_rename" -> refuseIf(inner, ERRNO_ROFS, 0, 3);
          case "fd_close" -> (instance, args) -> {
            long[] result = inner.apply(instance, args);
            if (result[0] == 0) {
              readOnly.remove((int) args[0]);
            }
            return result;
          };
          case "fd_renumber" -> (instance, args) -> {
            boolean from = readOnly.contains((int) args[0]);
            long[] result = inner.apply(instance, args);
            if (result[0] == 0 && args[0] != args[1]) {
              readOnly.remove((int) args[0]);
              if (from) {
                readOnly.add((int) args[1]);
              } else {
                readOnly.remove((int) args[1]);
              }
            }
            return result;
          };
          default -> null;
        };
    return guarded == null ? f : new HostFunction(f.module(), f.name(), f.functionType(), guarded);
  }

  /** {@code path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, fd_out)}. */
  private long[] pathOpen(WasmFunctionHandle inner, Instance instance, long[] args) {
    int dirFd = (int) args[0];
    boolean underReadOnly = readOnly.contains(dirFd);
    if (underReadOnly) {
      int oflags = (int) args[4];
      long rights = args[5];
      int fdflags = (int) args[7];
      if ((oflags & (OFLAG_CREAT | OFLAG_TRUNC | OFLAG_EXCL)) != 0 || (rights & WRITE_RIGHTS) != 0
          || (fdflags & FDFLAG_APPEND) != 0) {
        return new long[] {ERRNO_ROFS};
      }
    }
    long[] result = inner.apply(instance, args);
    if (result[0] == 0) {
      int fd = instance.memory().readInt((int) args[8]);
      if (underReadOnly) {
        readOnly.add(fd);
      } else {
        readOnly.remove(fd);
      }
    }
    return result;
  }

  private WasmFunctionHandle refuseIf(WasmFunctionHandle inner, int errno, int... fdArgs) {
    return (instance, args) -> {
      for (int i : fdArgs) {
        if (readOnly.contains((int) args[i])) {
          return new long[] {errno};
        }
      }
      return inner.apply(instance, args);
    };
  }
}
