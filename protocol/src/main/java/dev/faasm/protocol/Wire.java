package dev.faasm.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The reader of format-1 records ({@link LegacyCodec}): varints and length-prefixed bytes. */
final class Wire {
  private Wire() {}

  static final class Reader {
    private final ByteBuffer buf;
    private final String what;

    Reader(byte[] data, String what) {
      if (data == null) {
        throw new ProtocolException(what + ": no data");
      }
      this.buf = ByteBuffer.wrap(data);
      this.what = what;
    }

    int u8() {
      try {
        return buf.get() & 0xFF;
      } catch (BufferUnderflowException e) {
        throw truncated();
      }
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = u8();
        result |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new ProtocolException(what + ": malformed varint");
    }

    long svarint() {
      long raw = varint();
      return (raw >>> 1) ^ -(raw & 1);
    }

    int length() {
      long n = varint();
      if (n < 0 || n > buf.remaining()) {
        throw new ProtocolException(what + ": length " + n + " exceeds the remaining " + buf.remaining() + " bytes");
      }
      return (int) n;
    }

    byte[] bytes() {
      byte[] b = new byte[length()];
      buf.get(b);
      return b;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    boolean hasMore() {
      return buf.hasRemaining();
    }

    private ProtocolException truncated() {
      return new ProtocolException(what + ": truncated record");
    }
  }
}
