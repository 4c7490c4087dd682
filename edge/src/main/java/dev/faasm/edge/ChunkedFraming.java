package dev.faasm.edge;

import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.AttachmentKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractConduit;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Makes a malformed chunked request body an answerable 400 instead of a dropped connection.
 *
 * <p>Undertow's chunk decoder closes the connection as soon as it meets a bad chunk-size line ({@code ZZ\r\n}), so no
 * answer can be sent after it. This handler puts a checker underneath that decoder (between it and the socket): the
 * checker passes chunk data through, holds each chunk-size line until it is complete and valid, and on the first
 * malformed one hands the decoder a clean end of body ({@code 0\r\n\r\n}) instead and records the problem on the
 * exchange. The body reader ({@link Bodies}) then answers 400 naming it and closes the connection.
 *
 * <p>Undertow's decoder pushes bytes it read but did not use back to the connection, under the checker; that happens
 * at the end of the body (after the last chunk, which the checker no longer checks) and when the reader's buffer is
 * smaller than a chunk, which {@link Bodies} avoids by reading into buffers as large as the decoder's.
 *
 * <p>Undertow offers no hook below its decoder; the checker is put in by setting the decoder's {@code next} conduit
 * (xnio's {@code AbstractConduit.next}) reflectively. Should that ever fail (another Undertow), the request is left to
 * Undertow's own handling and a warning is logged once.
 */
final class ChunkedFraming implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ChunkedFraming.class);

  /** Set on an exchange whose chunked body was malformed: what was wrong. */
  static final AttachmentKey<String> MALFORMED = AttachmentKey.create(String.class);

  private static final Field NEXT = nextField();

  private final HttpHandler handler;

  ChunkedFraming(HttpHandler next) {
    this.handler = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (NEXT != null && exchange.getConnection() instanceof HttpServerConnection connection
        && connection.getChannel().getSourceChannel().getConduit() instanceof ChunkedStreamSourceConduit decoder) {
      StreamSourceConduit below = (StreamSourceConduit) NEXT.get(decoder);
      NEXT.set(decoder, new Checker(below, exchange));
    }
    handler.handleRequest(exchange);
  }

  /** The problem with this exchange's chunked body, if it was malformed; the 400 to answer with. */
  static EdgeException malformed(HttpServerExchange exchange) {
    String problem = exchange.getAttachment(MALFORMED);
    if (problem == null) {
      return null;
    }
    exchange.setPersistent(false);
    return EdgeException.badRequest("malformed chunked body: " + problem);
  }

  private static Field nextField() {
    try {
      Field f = AbstractConduit.class.getDeclaredField("next");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("malformed chunked bodies will close the connection without an answer: {}", e.toString());
      return null;
    }
  }

  /** Checks chunk framing on the way from the socket to Undertow's decoder. */
  static final class Checker extends AbstractStreamSourceConduit<StreamSourceConduit> {
    static final int MAX_SIZE_LINE = 4096;
    private static final byte[] END = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private enum State { SIZE_LINE, DATA, DATA_CR, DATA_LF, PASS, BROKEN }

    private final HttpServerExchange exchange;
    private final ByteBuffer in = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private ByteBuffer pending = ByteBuffer.allocate(0);
    private State state = State.SIZE_LINE;
    private long remaining;

    Checker(StreamSourceConduit next, HttpServerExchange exchange) {
      super(next);
      this.exchange = exchange;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (pending.hasRemaining()) {
        return copy(pending, dst);
      }
      if (state == State.PASS || state == State.BROKEN) {
        // After the last chunk (or the end put in for a malformed one): Undertow's decoder reads what it pushed back
        // and, having reached the end, nothing more of this request.
        return next.read(dst);
      }
      in.clear();
      in.limit(Math.min(in.capacity(), Math.max(1, dst.remaining())));
      int n = next.read(in);
      if (n <= 0) {
        return n;
      }
      in.flip();
      ByteArrayOutputStream out = new ByteArrayOutputStream(n + 16);
      scan(out);
      pending = ByteBuffer.wrap(out.toByteArray());
      if (!pending.hasRemaining()) {
        return 0; // only part of a size line so far
      }
      int copied = copy(pending, dst);
      if (pending.hasRemaining()) {
        next.wakeupReads(); // the rest is ours, not the socket's: make sure the reader comes back for it
      }
      return copied;
    }

    private void scan(ByteArrayOutputStream out) {
      while (in.hasRemaining() && state != State.BROKEN) {
        switch (state) {
          case PASS -> {
            out.write(in.array(), in.position(), in.remaining());
            in.position(in.limit());
          }
          case DATA -> {
            int take = (int) Math.min(remaining, in.remaining());
            out.write(in.array(), in.position(), take);
            in.position(in.position() + take);
            remaining -= take;
            if (remaining == 0) {
              state = State.DATA_CR;
            }
          }
          case DATA_CR -> expect(out, '\r', State.DATA_LF);
          case DATA_LF -> expect(out, '\n', State.SIZE_LINE);
          case SIZE_LINE -> sizeLine(out);
          default -> throw new IllegalStateException(state.name());
        }
      }
    }

    private void expect(ByteArrayOutputStream out, char wanted, State then) {
      byte b = in.get();
      if (b != wanted) {
        // Close the chunk the decoder is in, then end the body.
        broken(out, "chunk data not followed by CRLF", state == State.DATA_CR ? "\r\n" : "\n");
        return;
      }
      out.write(b);
      state = then;
    }

    private void sizeLine(ByteArrayOutputStream out) {
      byte b = in.get();
      line.write(b);
      if (b != '\n') {
        if (line.size() > MAX_SIZE_LINE) {
          broken(out, "chunk-size line longer than " + MAX_SIZE_LINE + " bytes");
        }
        return;
      }
      byte[] l = line.toByteArray();
      line.reset();
      long size = parseSize(l);
      if (size < 0) {
        String shown = new String(l, 0, Math.min(l.length, 32), StandardCharsets.ISO_8859_1).strip();
        broken(out, "invalid chunk size '" + RequestPath.shorten(shown) + "'");
        return;
      }
      out.write(l, 0, l.length);
      if (size == 0) {
        state = State.PASS; // trailers and the final CRLF: Undertow's own
      } else {
        remaining = size;
        state = State.DATA;
      }
    }

    /** The size of a {@code hex[;extensions]\r\n} line, or -1 if it is not one. */
    static long parseSize(byte[] l) {
      int end = l.length - 2;
      if (end < 1 || l[end] != '\r') {
        return -1;
      }
      long size = 0;
      int i = 0;
      for (; i < end && l[i] != ';'; i++) {
        int digit = Character.digit(l[i], 16);
        if (digit < 0 || i >= 15) {
          return -1;
        }
        size = size * 16 + digit;
      }
      return i == 0 ? -1 : size;
    }

    private void broken(ByteArrayOutputStream out, String problem) {
      broken(out, problem, "");
    }

    private void broken(ByteArrayOutputStream out, String problem, String closeChunk) {
      state = State.BROKEN;
      in.position(in.limit()); // the rest of the input is not the body's
      exchange.putAttachment(MALFORMED, problem);
      out.writeBytes(closeChunk.getBytes(StandardCharsets.US_ASCII));
      out.write(END, 0, END.length);
    }

    private static int copy(ByteBuffer from, ByteBuffer to) {
      int n = Math.min(from.remaining(), to.remaining());
      ByteBuffer slice = from.slice();
      slice.limit(n);
      to.put(slice);
      from.position(from.position() + n);
      return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
      for (int i = offs; i < offs + len; i++) {
        if (dsts[i].hasRemaining()) {
          return read(dsts[i]);
        }
      }
      return 0;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
      return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
      return Conduits.transfer(this, count, throughBuffer, target);
    }
  }
}
