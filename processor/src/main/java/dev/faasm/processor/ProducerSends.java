package dev.faasm.processor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A producer send as a future that completes on the processor's own executor, never on the producer's network thread:
 * what follows an acknowledgement (storing a result, sending the next record, which may block while metadata loads)
 * must not stall the thread that delivers every other acknowledgement.
 */
final class ProducerSends {
  private ProducerSends() {}

  static CompletableFuture<Void> send(
      Producer<String, byte[]> producer, ProducerRecord<String, byte[]> record, Executor continueOn) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    producer.send(record, (md, error) -> {
      Runnable complete = () -> {
        if (error != null) {
          acked.completeExceptionally(error);
        } else {
          acked.complete(null);
        }
      };
      try {
        continueOn.execute(complete);
      } catch (RejectedExecutionException shuttingDown) {
        complete.run(); // the executor is closing: nothing more will run on it anyway
      }
    });
    return acked;
  }
}
