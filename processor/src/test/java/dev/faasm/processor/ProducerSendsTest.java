package dev.faasm.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.registry.KafkaSettings;
import dev.faasm.registry.Topics;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** What follows a send's acknowledgement runs on the processor's executor, not on the producer's network thread. */
class ProducerSendsTest {

  @Test
  void continuationsRunOnTheGivenExecutor() throws Exception {
    KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
    Topics topics = Topics.withPrefix("sends-" + CallIds.random().substring(0, 8) + "-", 1, (short) 1);
    try (Admin admin = kafka.admin()) {
      topics.ensure(admin);
    }
    ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-processor-io"));
    // Completions wait for the gate, so the stages below are attached before the future completes, and run on the
    // thread that completes it.
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.Executor gated = r -> io.execute(() -> {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      r.run();
    });
    try (KafkaProducer<String, byte[]> producer = kafka.producer("sends-test")) {
      var sent = ProducerSends.send(producer, new ProducerRecord<>(topics.results(), "k", new byte[] {1}), gated)
          .thenApply(v -> Thread.currentThread().getName());
      // A failed send too: a record over the producer's size limit fails on the producer's side, inside send().
      var failed = ProducerSends.send(
              producer, new ProducerRecord<>(topics.results(), "k", new byte[200 * 1024 * 1024]), gated)
          .handle((v, error) -> Thread.currentThread().getName() + " " + (error != null));
      gate.countDown();
      assertEquals("test-processor-io", sent.get(60, TimeUnit.SECONDS));
      assertEquals("test-processor-io true", failed.get(60, TimeUnit.SECONDS));
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    } finally {
      io.shutdown();
      assertTrue(io.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
