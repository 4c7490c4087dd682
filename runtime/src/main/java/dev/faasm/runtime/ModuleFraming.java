package dev.faasm.runtime;

/**
 * Checks the lengths and counts a module declares against the bytes it has, before the module is parsed. A parser
 * trusts a declared length or count to size what it allocates, so a 60-byte upload declaring a 2 GiB name, a vector
 * of four billion types or four billion locals would make the edge allocate gigabytes (or fail with an
 * {@link OutOfMemoryError}) instead of answering 400. Everything else about the module is left to the parser.
 *
 * <p>Checked: every section fits in the module; the item count of every vector section is at most its size in bytes;
 * names in custom, import and export sections, parameter and result counts of function types, code bodies and their
 * local declarations (at most {@link #MAX_LOCALS} per function), and data segments fit in their section.
 */
final class ModuleFraming {
  /** Locals one function may declare (as in common engines; clang emits a few hundred at most). */
  static final long MAX_LOCALS = 50_000;

  private final byte[] wasm;
  private int pos;

  private ModuleFraming(byte[] wasm) {
    this.wasm = wasm;
  }

  /** @throws InvalidModuleException naming the first declared length that does not fit */
  static void check(byte[] wasm) {
    new ModuleFraming(wasm).sections();
  }

  private void sections() {
    pos = 8;
    while (pos < wasm.length) {
      int id = wasm[pos++] & 0xFF;
      long size = uleb("size of section " + id, Long.MAX_VALUE);
      if (size > wasm.length - pos) {
        throw new InvalidModuleException("malformed module: section " + id + " of " + size + " bytes runs past the"
            + " end of the module (" + (wasm.length - pos) + " bytes left)");
      }
      int end = pos + (int) size;
      switch (id) {
        case 0 -> name("custom section name", end);
        case 1 -> types(end);
        case 2 -> imports(end);
        case 7 -> exports(end);
        case 10 -> code(end);
        case 11 -> data(end);
        case 3, 4, 5, 6, 9 -> count("section " + id, end);
        default -> { }
      }
      pos = end;
    }
  }

  private long count(String what, int end) {
    return uleb("item count of " + what, end - pos);
  }

  private void types(int end) {
    long n = count("the type section", end);
    for (long i = 0; i < n && pos < end; i++) {
      if ((wasm[pos] & 0xFF) != 0x60) {
        return; // not a plain function type: the parser decides
      }
      pos++;
      for (String part : new String[] {"parameter", "result"}) {
        long k = uleb(part + " count of type " + i, end - pos);
        pos += (int) k; // value types are one byte each; a longer one only makes this check stricter than needed
        if (pos > end) {
          throw new InvalidModuleException("malformed module: type " + i + " runs past the end of its section");
        }
      }
    }
  }

  private void imports(int end) {
    long n = count("the import section", end);
    for (long i = 0; i < n && pos < end; i++) {
      name("import module name", end);
      name("import name", end);
      if (pos >= end) {
        return;
      }
      int kind = wasm[pos++] & 0xFF;
      switch (kind) {
        case 0 -> uleb("import type index", Long.MAX_VALUE);
        case 1 -> {
          pos++;
          limits(end);
        }
        case 2 -> limits(end);
        case 3 -> pos += 2;
        default -> {
          return; // unknown kind: the parser rejects it
        }
      }
    }
  }

  private void limits(int end) {
    if (pos >= end) {
      return;
    }
    int flags = wasm[pos++] & 0xFF;
    uleb("limit", Long.MAX_VALUE);
    if ((flags & 1) != 0) {
      uleb("limit", Long.MAX_VALUE);
    }
  }

  private void exports(int end) {
    long n = count("the export section", end);
    for (long i = 0; i < n && pos < end; i++) {
      name("export name", end);
      pos++;
      uleb("export index", Long.MAX_VALUE);
    }
  }

  private void code(int end) {
    long n = count("the code section", end);
    for (long i = 0; i < n && pos < end; i++) {
      long size = uleb("size of function body " + i, end - pos);
      int bodyEnd = pos + (int) size;
      long groups = uleb("local declarations of function body " + i, bodyEnd - pos);
      long locals = 0;
      for (long g = 0; g < groups && pos < bodyEnd; g++) {
        locals += uleb("locals of function body " + i, Long.MAX_VALUE);
        if (locals > MAX_LOCALS) {
          throw new InvalidModuleException("function body " + i + " declares more than " + MAX_LOCALS + " locals");
        }
        pos++;
      }
      pos = bodyEnd;
    }
  }

  private void data(int end) {
    long n = count("the data section", end);
    for (long i = 0; i < n && pos < end; i++) {
      long flags = uleb("data segment kind", Long.MAX_VALUE);
      if (flags == 2) {
        uleb("data segment memory", Long.MAX_VALUE);
      }
      if (flags == 0 || flags == 2) {
        if (!skipConstant(end)) {
          return;
        }
      } else if (flags != 1) {
        return;
      }
      long length = uleb("length of data segment " + i, end - pos);
      pos += (int) length;
    }
  }

  /** Skips {@code i32.const n end} or {@code global.get n end}; false for anything else (left to the parser). */
  private boolean skipConstant(int end) {
    if (pos >= end) {
      return false;
    }
    int op = wasm[pos++] & 0xFF;
    if (op != 0x41 && op != 0x23) {
      return false;
    }
    while (pos < end && (wasm[pos] & 0x80) != 0) {
      pos++;
    }
    pos++;
    return pos < end && (wasm[pos++] & 0xFF) == 0x0b;
  }

  private void name(String what, int end) {
    long length = uleb("length of " + what, end - pos);
    pos += (int) length;
  }

  /** An unsigned LEB128 of at most 5 bytes (a u32), which must be at most {@code max}. */
  private long uleb(String what, long max) {
    long value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos >= wasm.length) {
        throw new InvalidModuleException("malformed module: " + what + " runs past the end of the module");
      }
      int b = wasm[pos++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (value > max) {
          throw new InvalidModuleException("malformed module: " + what + " (" + value + ") is larger than the "
              + Math.max(0, max) + " bytes left for it");
        }
        return value;
      }
    }
    throw new InvalidModuleException("malformed module: " + what + " is not a valid unsigned 32-bit number");
  }
}
