package dev.faasm.processor;

import dev.faasm.protocol.Call;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one call to completion off the Kafka Streams thread: runs the guest, stores its one result, emits its chained
 * calls. The returned future completes when all of that is durable; only then may the call leave the pending store.
 */
public interface CallRunner {
  CompletableFuture<Void> run(Call call);

  /**
   * A call whose result is already on the log: never runs it, only makes sure whoever waits for it (its reply
   * channel) learns the result.
   */
  CompletableFuture<Void> finished(Call call);

  /**
   * Stores a platform failure for a call whose record could not be read, and sends it to {@code replyTo} (may be
   * empty), so its caller gets an answer.
   */
  CompletableFuture<Void> reject(String callId, String replyTo, String reason);

  /**
   * Ends a call that failed for a platform reason {@code attempts} times: stores the terminal {@code
   * RETRIES_EXHAUSTED} failure (unless it has a result already) and sends it to the results topic, without running it.
   */
  CompletableFuture<Void> giveUp(Call call, int attempts, String lastError);

  /** The call's task left this processor: withdraw the call's run if it has not reached a guest yet. */
  void cancel(String callId);

  /** Work accepted but waiting for a guest slot: the Streams side launches no more while this is high. */
  int backlog();
}
