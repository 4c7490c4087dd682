package dev.faasm.edge;

import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Names;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The read API behind the console and {@code faasm calls}, answered from the {@link CallIndex}:
 *
 * <pre>
 * GET /calls?user=&amp;function=&amp;outcome=&amp;limit=   recent calls, newest first         200 {"calls": [...]} | 400
 * GET /calls/&lt;id&gt;/tree                             the call and its chained calls   200 | 404 not indexed
 * GET /stats/&lt;user&gt;?minutes=                       per function: calls, errors, calls/s and p50/p99 over time
 * </pre>
 *
 * <p>Statistics come from the results topic through the index, so they cover every processor's calls; a bucket's
 * percentiles are of the calls' run time (start to finish on the processor), nearest rank.
 */
final class ConsoleApi {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final int MAX_TREE = 500;
  static final int DEFAULT_MINUTES = 15;
  static final int MAX_MINUTES = 60;
  private static final Set<String> OUTCOMES = Set.of("succeeded", "failed", "unfinished");

  private final CallIndex index;
  private final Clock clock;

  ConsoleApi(CallIndex index, Clock clock) {
    this.index = index;
    this.clock = clock;
  }

  /** {@code GET /calls}: a caller who may not see every user's calls sees only {@code onlyUser}'s. */
  void list(HttpServerExchange exchange, Tenants.Caller caller, Tenants tenants) {
    Map<String, Deque<String>> q = exchange.getQueryParameters();
    String user = name(q, "user");
    if (!caller.admin()) {
      if (user == null) {
        user = caller.user();
      }
      tenants.requireUser(caller, user);
    }
    String function = name(q, "function");
    String outcome = param(q, "outcome");
    if (outcome != null && !OUTCOMES.contains(outcome)) {
      throw EdgeException.badRequest("invalid outcome '" + RequestPath.shorten(outcome)
          + "': must be succeeded, failed or unfinished").with("part", "outcome");
    }
    int limit = number(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    CallIndex.Filter filter = new CallIndex.Filter(user, function, outcome, limit);
    Dispatch.toWorker(exchange, () -> {
      List<Json> calls = index.recent(filter).stream().map(ConsoleApi::json).toList();
      Json body = Json.object().put("calls", calls).put("complete", index.caughtUp());
      Dispatch.toIoThread(exchange, () -> Responses.json(exchange, 200, body));
    });
  }

  /** {@code GET /calls/<id>/tree}; another user's call is not found, as for {@code GET /calls/<id>}. */
  void tree(HttpServerExchange exchange, String callId, Tenants.Caller caller) {
    if (!CallIds.isValid(callId)) {
      throw EdgeException.badRequest("invalid call id '" + RequestPath.shorten(callId)
          + "': must be 32 lowercase hex digits").with("part", "callId");
    }
    Responses.callId(exchange, callId);
    Dispatch.toWorker(exchange, () -> {
      CallIndex.Tree tree = index.tree(callId, MAX_TREE)
          .filter(t -> caller.mayActFor(t.call().user()))
          .orElseThrow(() ->
              EdgeException.notFound("call " + callId + " is not among the recent calls this edge has seen")
                  .with("callId", callId));
      Json body = tree(tree);
      Dispatch.toIoThread(exchange, () -> Responses.json(exchange, 200, body));
    });
  }

  /** {@code GET /stats/<user>}. */
  void stats(HttpServerExchange exchange, String user) {
    if (!Names.isValid(user)) {
      throw EdgeException.badRequest("invalid user name '" + RequestPath.shorten(user) + "'").with("part", "user");
    }
    int minutes = number(exchange.getQueryParameters(), "minutes", DEFAULT_MINUTES, 1, MAX_MINUTES);
    Dispatch.toWorker(exchange, () -> {
      Json body = stats(user, minutes, clock.millis());
      Dispatch.toIoThread(exchange, () -> Responses.json(exchange, 200, body));
    });
  }

  Json stats(String user, int minutes, long now) {
    long bucketMillis = minutes * 60_000L / 60; // 60 points per chart
    long from = now - minutes * 60_000L;
    Map<String, List<CallIndex.Entry>> byFunction = new TreeMap<>();
    for (CallIndex.Entry e : index.finishedSince(user, from)) {
      byFunction.computeIfAbsent(e.function(), k -> new ArrayList<>()).add(e);
    }
    List<Json> functions = new ArrayList<>();
    byFunction.forEach((function, calls) -> {
      int buckets = 60;
      long[] count = new long[buckets];
      long[] failed = new long[buckets];
      List<List<Long>> durations = new ArrayList<>();
      for (int i = 0; i < buckets; i++) {
        durations.add(new ArrayList<>());
      }
      List<Long> all = new ArrayList<>();
      long failures = 0;
      for (CallIndex.Entry e : calls) {
        int b = (int) Math.min(buckets - 1, Math.max(0, (e.finishedAtMillis() - from) / bucketMillis));
        count[b]++;
        boolean ok = e.state() == dev.faasm.protocol.CallState.SUCCEEDED;
        if (!ok) {
          failed[b]++;
          failures++;
        }
        if (e.durationMillis() >= 0) {
          durations.get(b).add(e.durationMillis());
          all.add(e.durationMillis());
        }
      }
      List<Json> series = new ArrayList<>();
      for (int i = 0; i < buckets; i++) {
        series.add(Json.object()
            .put("at", CallJson.iso(from + i * bucketMillis))
            .put("calls", count[i])
            .put("failed", failed[i])
            .put("callsPerSecond", count[i] * 1000.0 / bucketMillis)
            .put("p50Ms", percentile(durations.get(i), 50))
            .put("p99Ms", percentile(durations.get(i), 99)));
      }
      functions.add(Json.object()
          .put("function", function)
          .put("calls", calls.size())
          .put("failed", failures)
          .put("errorRate", (double) failures / calls.size())
          .put("p50Ms", percentile(all, 50))
          .put("p99Ms", percentile(all, 99))
          .put("series", series));
    });
    return Json.object()
        .put("user", user)
        .put("from", CallJson.iso(from))
        .put("to", CallJson.iso(now))
        .put("bucketSeconds", bucketMillis / 1000.0)
        .put("functions", functions);
  }

  /** Nearest-rank percentile, or null for no values. */
  static Long percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return null;
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static Json tree(CallIndex.Tree t) {
    return json(t.call()).put("children", t.children().stream().map(ConsoleApi::tree).toList());
  }

  static Json json(CallIndex.Entry e) {
    return Json.object()
        .put("callId", e.callId())
        .put("user", e.user())
        .put("function", e.function())
        .put("status", e.state().wireName())
        .put("failure", e.failure().isEmpty() ? null : e.failure())
        .put("returnCode", e.state().isFinal() ? e.returnCode() : null)
        .put("submittedAt", CallJson.time(e.submittedAtMillis()))
        .put("startedAt", CallJson.time(e.startedAtMillis()))
        .put("finishedAt", CallJson.time(e.finishedAtMillis()))
        .put("durationMs", e.durationMillis() >= 0 ? e.durationMillis() : null)
        .put("parentCallId", e.parentCallId().isEmpty() ? null : e.parentCallId())
        .put("depth", e.depth())
        .put("digest", e.digest().isEmpty() ? null : e.digest());
  }

  private static String param(Map<String, Deque<String>> q, String key) {
    Deque<String> values = q.get(key);
    if (values == null || values.isEmpty() || values.getFirst().isEmpty()) {
      return null;
    }
    return values.getFirst();
  }

  private static String name(Map<String, Deque<String>> q, String key) {
    String value = param(q, key);
    if (value != null && !Names.isValid(value)) {
      throw EdgeException.badRequest("invalid " + key + " name '" + RequestPath.shorten(value)
          + "': must match [A-Za-z0-9_-]{1," + Names.MAX_LENGTH + "}").with("part", key);
    }
    return value;
  }

  private static int number(Map<String, Deque<String>> q, String key, int dflt, int min, int max) {
    String value = param(q, key);
    if (value == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw EdgeException.badRequest("invalid " + key + " '" + RequestPath.shorten(value) + "': must be a number from "
        + min + " to " + max).with("part", key);
  }
}
