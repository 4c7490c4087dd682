package dev.faasm.edge;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Notices that the client of a waiting HTTP/1.1 exchange went away.
 *
 * <p>Once a request is fully read, Undertow stops reading its connection until the answer is written, so a client that
 * disconnects while its call runs would go unnoticed until the answer (or the 504) is written. While an exchange waits,
 * this watch keeps read interest on the connection's socket: end of stream or a read error means the client is gone
 * (the connection is closed and {@code onGone} runs); bytes mean the client pipelined its next request, which are
 * handed back to Undertow and the watch ends. Stopping the watch restores Undertow's read listener. Other protocols
 * than HTTP/1.1 are not watched (their waits end at the deadline). A client that half-closes its side after sending
 * the request counts as gone.
 */
final class DisconnectWatch implements ChannelListener<ConduitStreamSourceChannel> {
  private static final Logger log = LoggerFactory.getLogger(DisconnectWatch.class);

  private final HttpServerExchange exchange;
  private final HttpServerConnection connection;
  private final ConduitStreamSourceChannel channel;
  private final StreamSourceConduit socket;
  private final ChannelListener<? super ConduitStreamSourceChannel> previous;
  private final Runnable onGone;
  private boolean stopped;

  private DisconnectWatch(HttpServerExchange exchange, HttpServerConnection connection, Runnable onGone) {
    this.exchange = exchange;
    this.connection = connection;
    this.channel = connection.getChannel().getSourceChannel();
    this.socket = connection.getOriginalSourceConduit();
    this.previous = channel.getReadListener();
    this.onGone = onGone;
  }

  /**
   * Starts watching; call on the exchange's IO thread once the request body was read completely. Returns the action
   * that stops watching, callable from any thread (it runs on the IO thread, before anything queued there after it).
   */
  static Runnable watch(HttpServerExchange exchange, Runnable onGone) {
    if (!(exchange.getConnection() instanceof HttpServerConnection connection) || !exchange.isRequestComplete()) {
      return () -> {};
    }
    DisconnectWatch watch = new DisconnectWatch(exchange, connection, onGone);
    watch.channel.setReadListener(watch);
    watch.socket.resumeReads();
    return watch::stopSoon;
  }

  @Override
  public void handleEvent(ConduitStreamSourceChannel ignored) {
    if (stopped) {
      return;
    }
    PooledByteBuffer buffer = connection.getByteBufferPool().allocate();
    try {
      int n = socket.read(buffer.getBuffer());
      if (n == 0) {
        buffer.close();
      } else if (n < 0) {
        buffer.close();
        gone(null);
      } else {
        buffer.getBuffer().flip();
        stop();
        connection.ungetRequestBytes(buffer);
      }
    } catch (IOException e) {
      buffer.close();
      gone(e);
    }
  }

  private void gone(IOException error) {
    log.debug("client of {} {} disconnected while waiting", exchange.getRequestMethod(), exchange.getRequestPath(),
        error);
    stop();
    IoUtils.safeClose(connection);
    onGone.run();
  }

  private void stopSoon() {
    if (exchange.getIoThread() == Thread.currentThread()) {
      stop();
    } else {
      exchange.getIoThread().execute(this::stop);
    }
  }

  private void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (connection.isOpen()) {
      socket.suspendReads();
      channel.setReadListener(previous);
    }
  }
}
