package dev.faasm.edge;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;

/**
 * What the edge allows one connection and all of them together, so that slow, silent or oversized clients cannot
 * hold its connections, threads or memory.
 *
 * @param noRequestTimeout a connection that starts no request for this long is closed: a new connection that sends
 *     nothing, or an idle keep-alive connection. A request in progress (a synchronous call waiting for its result)
 *     is never cut by it.
 * @param requestParseTimeout the request line and headers must arrive within this time of their first byte, else the
 *     connection is closed (slowloris)
 * @param bodyReadTimeout a request body must arrive within this time of the handler starting to read it, else 408
 *     and the connection is closed (a body trickled byte by byte)
 * @param maxConnections open connections at most; above it the edge stops accepting until connections close (new
 *     ones wait in the kernel's accept backlog). 0 = three quarters of the process's file-descriptor limit.
 * @param maxHeaderBytes request line plus headers at most; more is answered 431. (Undertow refuses a header block
 *     over {@link #hardHeaderBytes()} itself, with a bare 400, and closes the connection.)
 */
public record EdgeLimits(
    Duration noRequestTimeout,
    Duration requestParseTimeout,
    Duration bodyReadTimeout,
    int maxConnections,
    int maxHeaderBytes) {

  /** Descriptors kept for everything but client connections (Kafka, Redis, files) when the cap is derived. */
  static final int MIN_CONNECTIONS = 16;

  public EdgeLimits {
    requirePositive("noRequestTimeout", noRequestTimeout);
    requirePositive("requestParseTimeout", requestParseTimeout);
    requirePositive("bodyReadTimeout", bodyReadTimeout);
    if (maxConnections < 0) {
      throw new IllegalArgumentException("maxConnections must be >= 0 (0 = derived from the descriptor limit), not "
          + maxConnections);
    }
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, not " + maxHeaderBytes);
    }
  }

  /** 30 s without a request, 10 s to send the headers, 60 s to send a body, connections from the fd limit, 16 KiB. */
  public static EdgeLimits defaults() {
    return new EdgeLimits(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60), 0, 16 * 1024);
  }

  public EdgeLimits withNoRequestTimeout(Duration d) {
    return new EdgeLimits(d, requestParseTimeout, bodyReadTimeout, maxConnections, maxHeaderBytes);
  }

  public EdgeLimits withRequestParseTimeout(Duration d) {
    return new EdgeLimits(noRequestTimeout, d, bodyReadTimeout, maxConnections, maxHeaderBytes);
  }

  public EdgeLimits withBodyReadTimeout(Duration d) {
    return new EdgeLimits(noRequestTimeout, requestParseTimeout, d, maxConnections, maxHeaderBytes);
  }

  public EdgeLimits withMaxConnections(int n) {
    return new EdgeLimits(noRequestTimeout, requestParseTimeout, bodyReadTimeout, n, maxHeaderBytes);
  }

  public EdgeLimits withMaxHeaderBytes(int n) {
    return new EdgeLimits(noRequestTimeout, requestParseTimeout, bodyReadTimeout, maxConnections, n);
  }

  /** Undertow's own cap on the header block: beyond it the connection is closed without a JSON answer. */
  int hardHeaderBytes() {
    return Math.max(1024 * 1024 + 64 * 1024, 2 * maxHeaderBytes);
  }

  /**
   * The connection cap in force: the configured one, or three quarters of {@code descriptorLimit}; never more than
   * the descriptor limit minus what the process needs besides connections.
   */
  int connectionCap(long descriptorLimit) {
    long reserve = Math.max(64, descriptorLimit / 4);
    long ceiling = Math.max(MIN_CONNECTIONS, descriptorLimit - reserve);
    long wanted = maxConnections == 0 ? ceiling : maxConnections;
    return (int) Math.min(Math.min(wanted, ceiling), Integer.MAX_VALUE);
  }

  /** The process's file-descriptor limit, or a conservative 4096 where the JVM does not tell it. */
  static long descriptorLimit() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return 4096;
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + d);
    }
  }
}
