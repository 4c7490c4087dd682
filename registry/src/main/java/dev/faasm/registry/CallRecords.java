package dev.faasm.registry;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.Codec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** How a call goes on the calls topic: keyed by its id, with its reply channel also in a header. */
public final class CallRecords {
  /**
   * Names the call's reply channel outside the value, so that even a call whose value cannot be decoded can still be
   * answered (with a platform failure) on its caller's channel.
   */
  public static final String REPLY_TO_HEADER = "faasm-reply-to";

  private CallRecords() {}

  public static ProducerRecord<String, byte[]> of(String callsTopic, Call call) {
    RecordHeaders headers = new RecordHeaders();
    if (!call.replyTo().isEmpty()) {
      headers.add(REPLY_TO_HEADER, call.replyTo().getBytes(StandardCharsets.UTF_8));
    }
    if (!call.traceParent().isEmpty()) {
      // Also as the standard header, for tools that follow traces through Kafka.
      headers.add("traceparent", call.traceParent().getBytes(StandardCharsets.UTF_8));
    }
    return new ProducerRecord<>(callsTopic, null, call.callId(), Codec.encode(call), headers);
  }
}
