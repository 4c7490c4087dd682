package dev.faasm.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free loopback ports, picked up front so a service can be told its ports before it binds them. */
final class Ports {
  private Ports() {}

  /**
   * Returns a loopback port that was free a moment ago. Another process may take it before the caller binds it, so
   * callers that pick ports this way retry their start on a bind failure.
   */
  static int free() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new EmbeddedException("cannot find a free loopback port: " + e.getMessage(), e);
    }
  }

  /** Whether nothing listens on {@code 127.0.0.1:port} right now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code t} or one of its causes says an address was already in use. */
  static boolean isBindFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.net.BindException) {
        return true;
      }
      String message = c.getMessage();
      if (message != null && message.contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }
}
