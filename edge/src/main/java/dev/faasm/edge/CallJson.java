package dev.faasm.edge;

import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.CallStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON description of a call, from its result when it has one, else from its status.
 *
 * <p>Fields: {@code callId, user, function, status} (queued|running|succeeded|failed), {@code returnCode} (null until
 * finished, and null when the function returned none: a trap, a timeout, a platform failure), {@code failure, error}
 * (null until finished, and null on success), {@code submittedAt, startedAt, finishedAt} as ISO-8601 UTC instants
 * with millisecond precision (null when not reached yet), {@code durationMs} (run time, from start to finish; null
 * until finished), {@code chainedCalls} and {@code chainedCallIds} (how many calls it chained and their ids: awaitable
 * ones, then deferred ones), and links to its output and logs.
 */
final class CallJson {
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  private CallJson() {}

  static Json of(CallResult r) {
    Json j = head(r.callId(), r.user(), r.function(), r.state())
        .put("returnCode", returnCode(r))
        .put("failure", r.failureKind().isEmpty() ? null : r.failureKind())
        .put("error", r.succeeded() ? null : CallAnswers.failureMessage(r))
        .put("submittedAt", time(r.submittedAtMillis()))
        .put("startedAt", time(r.startedAtMillis()))
        .put("finishedAt", time(r.finishedAtMillis()))
        .put("durationMs", r.startedAtMillis() > 0 ? Math.max(0, r.finishedAtMillis() - r.startedAtMillis()) : null)
        .put("chainedCalls", chainedCallIds(r).size())
        .put("chainedCallIds", chainedCallIds(r));
    return links(j, r.callId());
  }

  /** The function's return code, or null if it returned none. */
  static Integer returnCode(CallResult r) {
    return r.returned() ? r.returnCode() : null;
  }

  /** Ids of the calls it chained; for results stored before they were recorded, those of its deferred calls. */
  static List<String> chainedCallIds(CallResult r) {
    if (!r.chainedCallIds().isEmpty() || r.deferredChains().isEmpty()) {
      return r.chainedCallIds();
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < r.deferredChains().size(); i++) {
      ids.add(CallIds.child(r.callId(), "then", i));
    }
    return ids;
  }

  static Json of(CallStatus s) {
    Json j = head(s.callId(), s.user(), s.function(), s.state())
        .put("returnCode", null)
        .put("failure", null)
        .put("error", null)
        .put("submittedAt", time(s.submittedAtMillis()))
        .put("startedAt", time(s.startedAtMillis()))
        .put("finishedAt", null)
        .put("durationMs", null)
        .put("chainedCalls", 0)
        .put("chainedCallIds", List.of());
    return links(j, s.callId());
  }

  /** ISO-8601 UTC with milliseconds ({@code 2025-01-31T12:00:00.000Z}), or null for "not yet" (0). */
  static String time(long epochMillis) {
    return epochMillis <= 0 ? null : iso(epochMillis);
  }

  /** ISO-8601 UTC with milliseconds, for any time, 0 included. */
  static String iso(long epochMillis) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
  }

  private static Json head(String callId, String user, String function, CallState state) {
    return Json.object()
        .put("callId", callId)
        .put("user", user)
        .put("function", function)
        .put("status", state.wireName());
  }

  private static Json links(Json j, String callId) {
    return j.put("output", "/calls/" + callId + "/output").put("logs", "/calls/" + callId + "/logs");
  }
}
