package dev.faasm.cli;

import dev.faasm.protocol.CallIds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A bounded, paced mixed load over both edges: sync and async calls of functions whose output follows from their
 * input, original-API chains ({@code simon/chain}) and awaited chains ({@code demo/chain_await}, {@code
 * demo/chain_ptr}). For every call it knows the expected output of the call and of each call it chains (their ids are
 * derived from the parent's), so correctness can be checked afterwards.
 */
final class NemesisLoad {
  /** What one call does; {@code sync} calls wait for the output, the others are answered 202. */
  enum Kind {
    ECHO_ASYNC(false, "simon/echo"),
    ECHO_SYNC(true, "simon/echo"),
    UPPER_SYNC(true, "demo/upper"),
    CHAIN_ASYNC(false, "simon/chain"),
    AWAIT_ASYNC(false, "demo/chain_await"),
    AWAIT_SYNC(true, "demo/chain_await"),
    PTR_SYNC(true, "demo/chain_ptr"),
    /** Naive recursive Fibonacci: tens of milliseconds, so processors have calls queued and running at a fault. */
    FIB_ASYNC(false, "bench/fib");

    final boolean sync;
    final String function;

    Kind(boolean sync, String function) {
      this.sync = sync;
      this.function = function;
    }

    /** A mix of 25% plain async, 25% plain sync, 40% chains (half of them sync) and 10% slower calls. */
    static Kind of(int i) {
      return switch (i % 20) {
        case 0, 1, 2, 3, 4 -> ECHO_ASYNC;
        case 5, 6 -> ECHO_SYNC;
        case 7, 8, 9 -> UPPER_SYNC;
        case 10, 11 -> CHAIN_ASYNC;
        case 12, 13 -> AWAIT_ASYNC;
        case 14, 15 -> AWAIT_SYNC;
        case 16, 17 -> PTR_SYNC;
        default -> FIB_ASYNC;
      };
    }
  }

  /**
   * How the edge answered one call. {@code callId} is null when the edge gave none (the call was not accepted).
   *
   * @param expected expected output of the call and of every call it chains, by call id (empty if not accepted)
   * @param syncOutput the body of a sync 200
   */
  record Answer(
      int index, Kind kind, int edge, int status, String callId, long sentAtMillis, long answeredAtMillis,
      String body,
      byte[] syncOutput, Map<String, byte[]> expected) {

    /** 202, 200, or a sync call's 500/504 with a call id: the platform owes it a result. */
    boolean accepted() {
      return callId != null && (status == 200 || status == 202 || status == 500 || status == 504);
    }
  }

  private final NemesisCluster cluster;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String tag = CallIds.random().substring(0, 6);
  private int nextIndex;

  NemesisLoad(NemesisCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Sends {@code calls} calls spread evenly over {@code duration}, alternating edges, without waiting for answers
   * between sends; the future completes with every answer once the last call was answered.
   */
  CompletableFuture<List<Answer>> run(int calls, Duration duration) {
    int first = nextIndex;
    nextIndex += calls;
    CompletableFuture<List<Answer>> all = new CompletableFuture<>();
    Thread pacer = new Thread(() -> {
      List<CompletableFuture<Answer>> answers = new ArrayList<>();
      long began = System.nanoTime();
      long gap = duration.toNanos() / Math.max(1, calls);
      try {
        for (int i = 0; i < calls; i++) {
          long due = began + i * gap;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          answers.add(send(first + i));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        all.completeExceptionally(e);
        return;
      }
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
          .whenComplete((v, error) -> {
            if (error != null) {
              all.completeExceptionally(error);
            } else {
              all.complete(answers.stream().map(CompletableFuture::join).toList());
            }
          });
    }, "nemesis-load");
    pacer.setDaemon(true);
    pacer.start();
    return all;
  }

  /**
   * Sends {@code calls} slower calls ({@code bench/fib} of 35) at once, so that processors have calls claimed and
   * queued for a guest slot when a fault strikes; completes with their answers.
   */
  CompletableFuture<List<Answer>> burst(int calls) {
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      int index = nextIndex++;
      answers.add(send(index, Kind.FIB_ASYNC, "35".getBytes(StandardCharsets.US_ASCII)));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(v -> answers.stream().map(CompletableFuture::join).toList());
  }

  private CompletableFuture<Answer> send(int index) {
    Kind kind = Kind.of(index);
    return send(index, kind, input(kind, index));
  }

  private CompletableFuture<Answer> send(int index, Kind kind, byte[] input) {
    int edge = (index + index / 20) % cluster.edgeCount(); // every kind through every edge
    String path = (kind.sync ? "/f/" : "/fa/") + kind.function;
    HttpRequest request = HttpRequest.newBuilder(cluster.edge(edge).resolve(path))
        .timeout(Duration.ofSeconds(120))
        .POST(HttpRequest.BodyPublishers.ofByteArray(input))
        .build();
    long sentAt = System.currentTimeMillis();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle((r, error) -> {
          long now = System.currentTimeMillis();
          if (error != null) {
            return new Answer(index, kind, edge, -1, null, sentAt, now, String.valueOf(error), null, Map.of());
          }
          String id = r.headers().firstValue("X-Faasm-Call-Id").orElse(null);
          String body = new String(r.body(), StandardCharsets.UTF_8);
          Map<String, byte[]> expected = id == null ? Map.of() : expected(kind, index, id, input);
          return new Answer(
              index, kind, edge, r.statusCode(), id, sentAt, now, body, r.statusCode() == 200 ? r.body() : null,
              expected);
        });
  }

  private byte[] input(Kind kind, int index) {
    String s = switch (kind) {
      case AWAIT_ASYNC, AWAIT_SYNC -> Integer.toString(1 + index % 3);
      case FIB_ASYNC -> Integer.toString(26 + index % 5);
      default -> kind.name().toLowerCase().charAt(0) + tag + "-" + index;
    };
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The output of the call and of each call it chains. */
  static Map<String, byte[]> expected(Kind kind, int index, String id, byte[] input) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    String in = new String(input, StandardCharsets.US_ASCII);
    switch (kind) {
      case ECHO_ASYNC, ECHO_SYNC -> out.put(id, input);
      case UPPER_SYNC -> out.put(id, ascii(in.toUpperCase()));
      case CHAIN_ASYNC -> {
        out.put(id, ascii("echo,x2"));
        out.put(CallIds.child(id, "then", 0), input);
        byte[] doubled = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
          doubled[i] = (byte) (input[i] * 2);
        }
        out.put(CallIds.child(id, "then", 1), doubled);
      }
      case AWAIT_ASYNC, AWAIT_SYNC -> {
        int n = Integer.parseInt(in);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
          all.append('[').append(i).append(']');
        }
        out.put(id, ascii(all.toString()));
        for (int i = 0; i < n; i++) {
          out.put(CallIds.child(id, "now", i), ascii("[" + i + "]"));
        }
      }
      case FIB_ASYNC -> out.put(id, ascii(Long.toString(fib(Integer.parseInt(in)))));
      case PTR_SYNC -> {
        String reversed = new StringBuilder(in).reverse().toString();
        out.put(id, ascii("ptr:" + reversed));
        out.put(CallIds.child(id, "now", 0), ascii(reversed));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static long fib(int n) {
    long a = 0;
    long b = 1;
    for (int i = 0; i < n; i++) {
      long next = a + b;
      a = b;
      b = next;
    }
    return a;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code /calls/<id>} on one of the edges. */
  URI callUri(String id, String part) {
    int edge = Math.floorMod(id.hashCode(), cluster.edgeCount());
    return cluster.edge(edge).resolve("/calls/" + id + (part == null ? "" : "/" + part));
  }

  HttpClient http() {
    return http;
  }
}
