package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.faasm.protocol.proto.CallStateProto;
import dev.faasm.protocol.proto.PartitionRange;
import dev.faasm.protocol.proto.ReplayDifference;
import dev.faasm.protocol.proto.ReplayOutcome;
import dev.faasm.protocol.proto.ReplayReport;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.protocol.proto.ReplayState;
import dev.faasm.protocol.proto.ReplayTarget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayJsonTest {
  private static long millis(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void queuedReportOfTheDefaultRequest() {
    ReplayReport r = ReplayReport.newBuilder()
        .setReplayId("0123456789abcdef")
        .setState(ReplayState.REPLAY_STATE_QUEUED)
        .setRequest(ReplayRequests.parse(new byte[0], "0123456789abcdef", millis("2026-12-01T12:00:00.250Z")))
        .build();
    assertEquals("{\"replayId\":\"0123456789abcdef\",\"state\":\"queued\",\"requestedAt\":\"2026-12-01T12:00:00.250Z\","
            + "\"request\":{\"from\":null,\"to\":null,\"partitions\":[],\"user\":null,\"function\":null,"
            + "\"outcome\":\"any\",\"callId\":null,\"max\":10000,\"target\":\"original\",\"digest\":null,"
            + "\"targetFunction\":null,\"rate\":null,\"dryRun\":false},"
            + "\"selected\":0,\"replayed\":0,\"succeeded\":0,\"failed\":0,\"identical\":0,\"different\":0,"
            + "\"skipped\":0,"
            + "\"differences\":[],\"startedAt\":null,\"finishedAt\":null,\"oldestReplayable\":null,\"processor\":null}",
        ReplayJson.report(r).toString());
  }

  @Test
  void finishedReportWithDifferences() {
    ReplayRequest request = ReplayRequest.newBuilder()
        .setReplayId("0123456789abcdef")
        .setRequestedAtMillis(millis("2026-12-01T12:00:00Z"))
        .setFromMillis(0)
        .setToMillis(millis("2026-12-01T11:00:00Z"))
        .addPartitions(PartitionRange.newBuilder().setPartition(2).setFromOffset(10).setToOffset(20))
        .setUser("simon")
        .setFunction("echo")
        .setOutcome(ReplayOutcome.REPLAY_OUTCOME_SUCCEEDED)
        .setMaxCalls(5)
        .setTarget(ReplayTarget.REPLAY_TARGET_FUNCTION)
        .setTargetFunction("echo_candidate")
        .setRatePerSecond(2.5)
        .build();
    ReplayReport r = ReplayReport.newBuilder()
        .setReplayId("0123456789abcdef")
        .setState(ReplayState.REPLAY_STATE_DONE)
        .setRequest(request)
        .setSelected(3).setReplayed(3).setSucceeded(2).setFailed(1).setIdentical(1).setDifferent(2).setSkipped(4)
        .addDifferences(ReplayDifference.newBuilder()
            .setCallId("00000000000000a1")
            .setFunction("echo")
            .setOriginalState(CallStateProto.CALL_STATE_SUCCEEDED)
            .setReplayState(CallStateProto.CALL_STATE_SUCCEEDED)
            .setOriginalOutput(ByteString.copyFromUtf8("hi \"you\"\n"))
            .setReplayOutput(ByteString.copyFromUtf8("HI \"YOU\"\n")))
        .addDifferences(ReplayDifference.newBuilder()
            .setCallId("00000000000000a2")
            .setFunction("echo")
            .setOriginalState(CallStateProto.CALL_STATE_SUCCEEDED)
            .setReplayState(CallStateProto.CALL_STATE_FAILED)
            .setOriginalOutput(ByteString.copyFrom(new byte[] {(byte) 0xff, 0, 1}))
            .setReplayError("wasm trap: unreachable"))
        .setStartedAtMillis(millis("2026-12-01T12:00:01Z"))
        .setFinishedAtMillis(millis("2026-12-01T12:00:02.5Z"))
        .setOldestReplayableMillis(millis("2026-11-24T12:00:00Z"))
        .setProcessor("processor-1")
        .build();
    assertEquals("{\"replayId\":\"0123456789abcdef\",\"state\":\"done\",\"requestedAt\":\"2026-12-01T12:00:00.000Z\","
            + "\"request\":{\"from\":\"1970-01-01T00:00:00.000Z\",\"to\":\"2026-12-01T11:00:00.000Z\","
            + "\"partitions\":[{\"partition\":2,\"fromOffset\":10,\"toOffset\":20}],\"user\":\"simon\","
            + "\"function\":\"echo\",\"outcome\":\"succeeded\",\"callId\":null,\"max\":5,\"target\":\"function\","
            + "\"digest\":null,\"targetFunction\":\"echo_candidate\",\"rate\":2.5,\"dryRun\":false},"
            + "\"selected\":3,\"replayed\":3,\"succeeded\":2,\"failed\":1,\"identical\":1,\"different\":2,"
            + "\"skipped\":4,"
            + "\"differences\":["
            + "{\"callId\":\"00000000000000a1\",\"function\":\"echo\",\"originalState\":\"succeeded\","
            + "\"replayState\":\"succeeded\",\"originalOutput\":\"hi \\\"you\\\"\\n\","
            + "\"replayOutput\":\"HI \\\"YOU\\\"\\n\","
            + "\"originalError\":null,\"replayError\":null},"
            + "{\"callId\":\"00000000000000a2\",\"function\":\"echo\",\"originalState\":\"succeeded\","
            + "\"replayState\":\"failed\",\"originalOutput\":\"base64:/wAB\",\"replayOutput\":\"\","
            + "\"originalError\":null,\"replayError\":\"wasm trap: unreachable\"}],"
            + "\"startedAt\":\"2026-12-01T12:00:01.000Z\",\"finishedAt\":\"2026-12-01T12:00:02.500Z\","
            + "\"oldestReplayable\":\"2026-11-24T12:00:00.000Z\",\"processor\":\"processor-1\"}",
        ReplayJson.report(r).toString());
  }

  @Test
  void failedReportCarriesItsError() {
    ReplayReport r = ReplayReport.newBuilder()
        .setReplayId("0123456789abcdef")
        .setState(ReplayState.REPLAY_STATE_FAILED)
        .setError("the range starts before the oldest retained call (2026-11-24T12:00:00.000Z)")
        .build();
    String json = ReplayJson.report(r).toString();
    assertEquals("{\"replayId\":\"0123456789abcdef\",\"state\":\"failed\",\"error\":\"the range starts before the "
        + "oldest retained call (2026-11-24T12:00:00.000Z)\",\"requestedAt\":null,\"request\":null,", json.substring(0,
        json.indexOf("\"selected\"")));
  }

  @Test
  void outputIsTextWhenValidUtf8ElseBase64() {
    assertEquals("", ReplayJson.output(ByteString.EMPTY));
    assertEquals("grüße ✓", ReplayJson.output(ByteString.copyFrom("grüße ✓", StandardCharsets.UTF_8)));
    assertEquals("base64:wyg=", ReplayJson.output(ByteString.copyFrom(new byte[] {(byte) 0xc3, 0x28})));
    // Text that itself starts with the prefix is encoded too, so the prefix always means "encoded".
    assertEquals("base64:YmFzZTY0Onh5", ReplayJson.output(ByteString.copyFromUtf8("base64:xy")));
    // A lone surrogate encoded in UTF-8 (CESU) is not valid UTF-8.
    assertEquals("base64:7aCA", ReplayJson.output(ByteString.copyFrom(new byte[] {(byte) 0xed, (byte) 0xa0,
        (byte) 0x80})));
  }
}
