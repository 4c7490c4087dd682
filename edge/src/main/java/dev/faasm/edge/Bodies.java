package dev.faasm.edge;

import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;

/**
 * Reads a whole request body without blocking, within a size limit.
 *
 * <p>A body over the limit is answered 413 as soon as that is known: at once when {@code Content-Length} says so
 * (nothing is read), or when a chunked body grows past the limit. To let the client read that answer, Undertow then
 * discards up to another {@code limit} bytes of the rest of the body and keeps the connection; a longer body, or a
 * declared length over twice the limit, gets the connection closed after the answer. (Undertow fixes the cap of a
 * chunked body when it parses the headers, so for those the server-wide cap set in {@link Edge} applies: twice the
 * largest limit.) Clients that send {@code Expect: 100-continue} (e.g. curl) never send a refused body at all.
 */
final class Bodies {
  /** Continues with the complete body, on the IO thread, while the exchange is still in a handler call. */
  @FunctionalInterface
  interface Then {
    void accept(HttpServerExchange exchange, byte[] body) throws Exception;
  }

  private Bodies() {}

  /**
   * Reads the body, then calls {@code then}; failures of {@code then} are answered by {@link Errors}.
   *
   * @param what names the body in the 413 message, e.g. "input" or "module"
   */
  static void read(HttpServerExchange exchange, int limit, String what, Then then) {
    long discardLimit = 2L * limit;
    exchange.setMaxEntitySize(discardLimit);
    String declared = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw EdgeException.badRequest("invalid Content-Length '" + declared + "'");
      }
      if (length > limit) {
        if (length > discardLimit) {
          exchange.setPersistent(false);
        }
        throw EdgeException.tooLarge(what, length, limit);
      }
    }
    Receiver receiver = exchange.getRequestReceiver();
    receiver.setMaxBufferSize(limit);
    receiver.receiveFullBytes(
        (ex, body) -> {
          try {
            EdgeException malformed = ChunkedFraming.malformed(ex);
            if (malformed != null) {
              throw malformed;
            }
            then.accept(ex, body);
          } catch (Exception e) {
            Errors.send(ex, e);
          }
        },
        (ex, error) -> {
          // Stop buffering; ending the exchange discards the rest of the body (or closes the connection).
          receiver.pause();
          if (ex.isResponseStarted()) {
            return; // already answered, e.g. 408 by BodyDeadline, which closes the connection
          }
          if (tooBig(error)) {
            Errors.send(ex, EdgeException.tooLarge(what, -1, limit));
          } else {
            ex.setPersistent(false);
            Errors.send(ex, new EdgeException(400, "cannot read the request body: " + error.getMessage(), error));
          }
        });
  }

  /** Undertow reports an oversized body as one of two exceptions, sometimes wrapped in an IOException. */
  static boolean tooBig(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RequestTooBigException || t instanceof Receiver.RequestToLargeException) {
        return true;
      }
    }
    return false;
  }
}
