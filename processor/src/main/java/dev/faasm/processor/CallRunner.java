package dev.faasm.processor;

import dev.faasm.protocol.Call;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one call to completion off the Kafka Streams thread: runs the guest, stores its one result, emits its chained
 * calls. The returned future completes when all of that is durable; only then may the call leave the pending store.
 */
public interface CallRunner {
  CompletableFuture<Void> run(Call call);

  /** Work accepted but waiting for a guest slot: the Streams side launches no more while this is high. */
  int backlog();
}
