package dev.faasm.edge;

import com.google.protobuf.ByteString;
import dev.faasm.protocol.proto.CallStateProto;
import dev.faasm.protocol.proto.PartitionRange;
import dev.faasm.protocol.proto.ReplayDifference;
import dev.faasm.protocol.proto.ReplayReport;
import dev.faasm.protocol.proto.ReplayRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON of a replay's report ({@code GET /replays/<id>}, and the 202 of {@code POST /replays}).
 *
 * <pre>
 * {"replayId", "state": "queued|running|done|failed", "error" (only when there is one), "requestedAt",
 *  "request": {"from", "to", "partitions": [{"partition", "fromOffset", "toOffset"}], "user", "function",
 *              "outcome", "callId", "max", "target", "digest", "targetFunction", "rate", "dryRun"},
 *  "selected", "replayed", "succeeded", "failed", "identical", "different", "skipped",
 *  "differences": [{"callId", "function", "originalState", "replayState", "originalOutput", "replayOutput",
 *                   "originalError", "replayError"}],
 *  "startedAt", "finishedAt", "oldestReplayable", "processor"}
 * </pre>
 *
 * <p>Times are ISO-8601 UTC instants with milliseconds; {@code startedAt}, {@code finishedAt} and
 * {@code oldestReplayable} are null until known. The request is normalized: every field is present, absent ones as
 * null (or their default), so it can be posted again as it is. States are lowercase ({@code "succeeded"}); an output is
 * its text when it is valid UTF-8, else {@code "base64:"} + its Base64 (also when the text itself starts with
 * {@code "base64:"}, so the prefix is never ambiguous). Empty errors and an empty processor name are null.
 */
final class ReplayJson {
  static final String BASE64_PREFIX = "base64:";

  private ReplayJson() {}

  static Json report(ReplayReport r) {
    Json j = Json.object()
        .put("replayId", r.getReplayId())
        .put("state", state(r))
        .putIfPresent("error", emptyToNull(r.getError()));
    if (r.hasRequest()) {
      j.put("requestedAt", CallJson.time(r.getRequest().getRequestedAtMillis()))
          .put("request", request(r.getRequest()));
    } else {
      j.put("requestedAt", null).put("request", null);
    }
    return j
        .put("selected", r.getSelected())
        .put("replayed", r.getReplayed())
        .put("succeeded", r.getSucceeded())
        .put("failed", r.getFailed())
        .put("identical", r.getIdentical())
        .put("different", r.getDifferent())
        .put("skipped", r.getSkipped())
        .put("differences", r.getDifferencesList().stream().map(ReplayJson::difference).toList())
        .put("startedAt", CallJson.time(r.getStartedAtMillis()))
        .put("finishedAt", CallJson.time(r.getFinishedAtMillis()))
        .put("oldestReplayable", CallJson.time(r.getOldestReplayableMillis()))
        .put("processor", emptyToNull(r.getProcessor()));
  }

  static Json request(ReplayRequest q) {
    return Json.object()
        .put("from", q.hasFromMillis() ? CallJson.iso(q.getFromMillis()) : null)
        .put("to", q.hasToMillis() ? CallJson.iso(q.getToMillis()) : null)
        .put("partitions", q.getPartitionsList().stream().map(ReplayJson::partition).toList())
        .put("user", emptyToNull(q.getUser()))
        .put("function", emptyToNull(q.getFunction()))
        .put("outcome", switch (q.getOutcome()) {
          case REPLAY_OUTCOME_ANY -> "any";
          case REPLAY_OUTCOME_SUCCEEDED -> "succeeded";
          case REPLAY_OUTCOME_FAILED -> "failed";
          case UNRECOGNIZED -> "unknown";
        })
        .put("callId", emptyToNull(q.getCallId()))
        .put("max", q.getMaxCalls())
        .put("target", switch (q.getTarget()) {
          case REPLAY_TARGET_ORIGINAL -> "original";
          case REPLAY_TARGET_CURRENT -> "current";
          case REPLAY_TARGET_DIGEST -> "digest";
          case REPLAY_TARGET_FUNCTION -> "function";
          case REPLAY_TARGET_UNSPECIFIED, UNRECOGNIZED -> "unknown";
        })
        .put("digest", emptyToNull(q.getDigest()))
        .put("targetFunction", emptyToNull(q.getTargetFunction()))
        .put("rate", q.getRatePerSecond() > 0 ? q.getRatePerSecond() : null)
        .put("dryRun", q.getDryRun());
  }

  static Json difference(ReplayDifference d) {
    return Json.object()
        .put("callId", d.getCallId())
        .put("function", d.getFunction())
        .put("originalState", state(d.getOriginalState()))
        .put("replayState", state(d.getReplayState()))
        .put("originalOutput", output(d.getOriginalOutput()))
        .put("replayOutput", output(d.getReplayOutput()))
        .put("originalError", emptyToNull(d.getOriginalError()))
        .put("replayError", emptyToNull(d.getReplayError()));
  }

  /** The bytes as text when they are valid UTF-8 (and don't look encoded), else {@code base64:<Base64>}. */
  static String output(ByteString bytes) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
      if (!text.startsWith(BASE64_PREFIX)) {
        return text;
      }
    } catch (CharacterCodingException e) {
      // Not text: encoded below.
    }
    return BASE64_PREFIX + Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static String state(ReplayReport r) {
    return switch (r.getState()) {
      case REPLAY_STATE_QUEUED -> "queued";
      case REPLAY_STATE_RUNNING -> "running";
      case REPLAY_STATE_DONE -> "done";
      case REPLAY_STATE_FAILED -> "failed";
      case REPLAY_STATE_UNSPECIFIED, UNRECOGNIZED -> "unknown";
    };
  }

  /** A call's state in lowercase; null when the report does not say (e.g. a call that was not run). */
  private static String state(CallStateProto s) {
    return switch (s) {
      case CALL_STATE_QUEUED -> "queued";
      case CALL_STATE_RUNNING -> "running";
      case CALL_STATE_SUCCEEDED -> "succeeded";
      case CALL_STATE_FAILED -> "failed";
      case CALL_STATE_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  private static Json partition(PartitionRange p) {
    return Json.object()
        .put("partition", p.getPartition())
        .put("fromOffset", p.getFromOffset())
        .put("toOffset", p.hasToOffset() ? p.getToOffset() : null);
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
