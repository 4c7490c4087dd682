package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Opens many connections, each sending one synchronous call, from ONE thread (NIO), and keeps them open for a while:
 * the client side of the "10,000 waiting callers" check in {@link LoadBench}. It runs in its own JVM so the two ends'
 * sockets count against separate file-descriptor limits.
 *
 * <p>Usage: {@code HoldClient <host> <port> <path> <connections> <hold-seconds>}. Prints {@code progress ...} lines,
 * {@code ALL_SENT} once every request is written, and a final {@code DONE ...} line; exits by itself after the hold
 * (bounded: connecting gives up after 120 s).
 */
public final class HoldClient {
  private static final int MAX_PENDING_CONNECTS = 256;

  private HoldClient() {}

  private static final class Conn {
    final ByteBuffer request;
    final StringBuilder head = new StringBuilder();
    boolean answered;

    Conn(byte[] request) {
      this.request = ByteBuffer.wrap(request);
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println("usage: HoldClient <host> <port> <path> <connections> <hold-seconds>");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String path = args[2];
    int total = Integer.parseInt(args[3]);
    long holdNanos = Long.parseLong(args[4]) * 1_000_000_000L;
    byte[] request = RawHttpClient.post(host, port, path, new byte[0]);
    InetSocketAddress address = new InetSocketAddress(host, port);

    List<SocketChannel> channels = new ArrayList<>(total);
    Map<Integer, Integer> statuses = new TreeMap<>();
    int opened = 0;
    int connected = 0;
    int sent = 0;
    int answered = 0;
    int closedByServer = 0;
    int errors = 0;
    String firstError = null;
    long start = System.nanoTime();
    long lastProgress = start;
    long allSentAt = -1;
    try (Selector selector = Selector.open()) {
      while (true) {
        long now = System.nanoTime();
        if (allSentAt < 0 && now - start > 120_000_000_000L) {
          System.out.println("GAVE_UP connecting after 120 s");
          break;
        }
        if (allSentAt >= 0 && now - allSentAt > holdNanos) {
          break;
        }
        while (opened < total && opened - connected - errors < MAX_PENDING_CONNECTS) {
          SocketChannel ch = SocketChannel.open();
          ch.configureBlocking(false);
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          channels.add(ch);
          opened++;
          try {
            if (ch.connect(address)) {
              connected++;
              sent += write(ch, new Conn(request), selector) ? 1 : 0;
            } else {
              ch.register(selector, SelectionKey.OP_CONNECT, new Conn(request));
            }
          } catch (IOException e) {
            errors++;
            firstError = firstError == null ? e.toString() : firstError;
            ch.close();
          }
        }
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel ch = (SocketChannel) key.channel();
          Conn conn = (Conn) key.attachment();
          try {
            if (key.isValid() && key.isConnectable()) {
              ch.finishConnect();
              connected++;
              sent += write(ch, conn, selector) ? 1 : 0;
            } else if (key.isValid() && key.isWritable()) {
              sent += write(ch, conn, selector) ? 1 : 0;
            } else if (key.isValid() && key.isReadable()) {
              ByteBuffer buf = ByteBuffer.allocate(4096);
              int n = ch.read(buf);
              if (n < 0) {
                closedByServer++;
                key.cancel();
                ch.close();
              } else if (!conn.answered) {
                conn.head.append(new String(buf.array(), 0, n, ISO_8859_1));
                if (conn.head.length() >= 12) {
                  conn.answered = true;
                  answered++;
                  statuses.merge(Integer.parseInt(conn.head.substring(9, 12)), 1, Integer::sum);
                }
              }
            }
          } catch (IOException | RuntimeException e) {
            errors++;
            firstError = firstError == null ? e.toString() : firstError;
            key.cancel();
            ch.close();
          }
        }
        selector.selectedKeys().clear();
        if (allSentAt < 0 && sent + errors >= total) {
          allSentAt = System.nanoTime();
          System.out.printf("ALL_SENT sent=%d errors=%d after %.1f s%n", sent, errors, (allSentAt - start) / 1e9);
          System.out.flush();
        }
        if (System.nanoTime() - lastProgress > 1_000_000_000L) {
          lastProgress = System.nanoTime();
          System.out.printf("progress opened=%d connected=%d sent=%d answered=%d closed=%d errors=%d%n", opened,
              connected, sent, answered, closedByServer, errors);
          System.out.flush();
        }
      }
    } finally {
      for (SocketChannel ch : channels) {
        try {
          ch.close();
        } catch (IOException e) {
          errors++;
        }
      }
    }
    System.out.printf("DONE connected=%d sent=%d answered=%d statuses=%s closed=%d errors=%d%s%n", connected, sent,
        answered, statuses, closedByServer, errors, firstError == null ? "" : " first_error=" + firstError);
    System.out.flush();
    System.exit(0);
  }

  /** Writes the request; true once all of it is written (then waits for the answer). */
  private static boolean write(SocketChannel ch, Conn conn, Selector selector) throws IOException {
    ch.write(conn.request);
    if (conn.request.hasRemaining()) {
      ch.register(selector, SelectionKey.OP_WRITE, conn);
      return false;
    }
    ch.register(selector, SelectionKey.OP_READ, conn);
    return true;
  }
}
