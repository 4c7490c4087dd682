package dev.faasm.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Assembles small WebAssembly modules byte by byte, for validation cases no example or fixed test module covers. */
final class ModuleBytes {
  private ModuleBytes() {}

  /** {@code exec(i32) -> i32} returning 0, with one memory of {@code min} pages (and {@code max}, if not negative). */
  static byte[] originalApi(int min, int max) {
    return module(
        section(1, vec(bytes(0x60, 1, 0x7f, 1, 0x7f))),
        section(3, vec(uleb(0))),
        section(5, vec(limits(min, max))),
        section(7, vec(concat(name("exec"), bytes(0x00, 0)), concat(name("memory"), bytes(0x02, 0)))),
        section(10, vec(body(bytes(0x41, 0x00)))));
  }

  /** {@code _start} doing nothing, a memory of {@code pages}, a data segment of {@code length} bytes at {@code at}. */
  static byte[] dataSegmentAt(int pages, int at, int length) {
    return module(
        section(1, vec(bytes(0x60, 0, 0))),
        section(3, vec(uleb(0))),
        section(5, vec(limits(pages, -1))),
        section(7, vec(concat(name("_start"), bytes(0x00, 0)), concat(name("memory"), bytes(0x02, 0)))),
        section(10, vec(body(new byte[0]))),
        section(11, vec(concat(bytes(0x00), offset(at), uleb(length), new byte[length]))));
  }

  /** {@code _start} doing nothing, a table of {@code size} entries, one element segment of one entry at {@code at}. */
  static byte[] elementSegmentAt(int size, int at) {
    return module(
        section(1, vec(bytes(0x60, 0, 0))),
        section(3, vec(uleb(0))),
        section(4, vec(concat(bytes(0x70), limits(size, -1)))),
        section(7, vec(concat(name("_start"), bytes(0x00, 0)))),
        section(9, vec(concat(bytes(0x00), offset(at), vec(uleb(0))))),
        section(10, vec(body(new byte[0]))));
  }

  /**
   * Original API, one memory page with {@code "INITDATA"} at address 32. With a non-empty input it writes eight 0xFF
   * bytes (a "secret") at 16, at 4093 (across the first 4 KiB boundary), over the data at 32, at 8 in the chained-call
   * input slots and at 100 in the output buffer. With an empty input it outputs the 8 bytes at each of those places.
   * <pre>
   * (func (export "exec") (param $m i32) (result i32)
   *   (if (i32.load offset=20 (local.get $m))                     ;; inputLength
   *     (then (i64.store (i32.const 16) (i64.const -1)) (i64.store (i32.const 4093) (i64.const -1))
   *           (i64.store (i32.const 32) (i64.const -1))
   *           (i64.store offset=8 (i32.load offset=12 (local.get $m)) (i64.const -1))   ;; chain inputs
   *           (i64.store offset=100 (i32.load offset=4 (local.get $m)) (i64.const -1))  ;; output
   *           (return (i32.const 0))))
   *   (i64.store offset=0 (i32.load offset=4 (local.get $m)) (i64.load (i32.const 16))) ... offset=32: the five reads
   *   (i32.store offset=24 (local.get $m) (i32.const 40)) (i32.const 0))             ;; outputLength = 40
   * </pre>
   */
  static byte[] secretWriterReader() {
    byte[] write = concat(
        bytes(0x41, 0x10, 0x42, 0x7f, 0x37, 0x03, 0x00),
        bytes(0x41), sleb(4093), bytes(0x42, 0x7f, 0x37, 0x03, 0x00),
        bytes(0x41, 0x20, 0x42, 0x7f, 0x37, 0x03, 0x00),
        bytes(0x20, 0x00, 0x28, 0x02, 0x0c, 0x42, 0x7f, 0x37, 0x03, 0x08),
        bytes(0x20, 0x00, 0x28, 0x02, 0x04, 0x42, 0x7f, 0x37, 0x03, 0xe4, 0x00),
        bytes(0x41, 0x00, 0x0f));
    byte[] output = bytes(0x20, 0x00, 0x28, 0x02, 0x04);
    byte[] read = concat(
        output, bytes(0x41, 0x10, 0x29, 0x03, 0x00, 0x37, 0x03, 0x00),
        output, bytes(0x41), sleb(4093), bytes(0x29, 0x03, 0x00, 0x37, 0x03, 0x08),
        output, bytes(0x41, 0x20, 0x29, 0x03, 0x00, 0x37, 0x03, 0x10),
        output, bytes(0x20, 0x00, 0x28, 0x02, 0x0c, 0x29, 0x03, 0x08, 0x37, 0x03, 0x18),
        output, bytes(0x20, 0x00, 0x28, 0x02, 0x04, 0x29, 0x03, 0xe4, 0x00, 0x37, 0x03, 0x20),
        bytes(0x20, 0x00, 0x41, 0x28, 0x36, 0x02, 0x18),
        bytes(0x41, 0x00));
    byte[] code = concat(bytes(0x20, 0x00, 0x28, 0x02, 0x14, 0x04, 0x40), write, bytes(0x0b), read);
    byte[] data = "INITDATA".getBytes(StandardCharsets.US_ASCII);
    return module(
        section(1, vec(bytes(0x60, 1, 0x7f, 1, 0x7f))),
        section(3, vec(uleb(0))),
        section(5, vec(limits(1, -1))),
        section(7, vec(concat(name("exec"), bytes(0x00, 0)), concat(name("memory"), bytes(0x02, 0)))),
        section(10, vec(body(code))),
        section(11, vec(concat(bytes(0x00), offset(32), uleb(data.length), data))));
  }

  /** {@code _start} declaring {@code locals} i32 locals. */
  static byte[] withLocals(long locals) {
    byte[] body = concat(bytes(0x01), uleb(locals), bytes(0x7f, 0x0b));
    return module(
        section(1, vec(bytes(0x60, 0, 0))),
        section(3, vec(uleb(0))),
        section(7, vec(concat(name("_start"), bytes(0x00, 0)))),
        section(10, vec(concat(uleb(body.length), body))));
  }

  private static byte[] module(byte[]... sections) {
    return concat(bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00), concat(sections));
  }

  private static byte[] section(int id, byte[] content) {
    return concat(bytes(id), uleb(content.length), content);
  }

  private static byte[] vec(byte[]... items) {
    return concat(uleb(items.length), concat(items));
  }

  private static byte[] limits(int min, int max) {
    return max < 0 ? concat(bytes(0x00), uleb(min)) : concat(bytes(0x01), uleb(min), uleb(max));
  }

  private static byte[] name(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return concat(uleb(b.length), b);
  }

  private static byte[] offset(int at) {
    return concat(bytes(0x41), sleb(at), bytes(0x0b));
  }

  /** A function body without locals: {@code code} then {@code end}. */
  private static byte[] body(byte[] code) {
    byte[] b = concat(bytes(0x00), code, bytes(0x0b));
    return concat(uleb(b.length), b);
  }

  private static byte[] uleb(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    do {
      int b = (int) (v & 0x7f);
      v >>>= 7;
      out.write(v != 0 ? b | 0x80 : b);
    } while (v != 0);
    return out.toByteArray();
  }

  private static byte[] sleb(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      int b = (int) (v & 0x7f);
      v >>= 7;
      boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
      out.write(done ? b : b | 0x80);
      if (done) {
        return out.toByteArray();
      }
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
