package dev.faasm.edge;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.CallStatus;
import dev.faasm.registry.CallRecords;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import dev.faasm.resultstore.ResultWaiter;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts calls on the calls topic and keeps their queued status; the Kafka and Redis side of invoking. */
final class CallSubmitter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CallSubmitter.class);
  /** Queued statuses waiting to be written; beyond this (Redis stalled for long) they are dropped, the calls not. */
  private static final int STATUS_BACKLOG = 10_000;

  private final KafkaProducer<String, byte[]> producer;
  private final Topics topics;
  private final ResultStore store;
  private final ResultWaiter waiter;
  private final String replyChannel;
  private final ThreadPoolExecutor statusWriter =
      new ThreadPoolExecutor(
          2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(STATUS_BACKLOG),
          r -> {
            Thread t = new Thread(r, "faasm-edge-status-writer");
            t.setDaemon(true);
            return t;
          },
          (task, pool) -> log.debug("status backlog full; a queued status is dropped (the call is not)"));

  CallSubmitter(
      KafkaProducer<String, byte[]> producer, Topics topics, ResultStore store, ResultWaiter waiter,
      String replyChannel) {
    this.producer = producer;
    this.topics = topics;
    this.store = store;
    this.waiter = waiter;
    this.replyChannel = replyChannel;
  }

  ResultWaiter waiter() {
    return waiter;
  }

  /** The result-store channel this edge's waiter listens on: the {@code replyTo} of its synchronous calls. */
  String replyChannel() {
    return replyChannel;
  }

  /**
   * Sends the call keyed by its id; {@code done} gets null once the broker acknowledged it, else the failure. It runs
   * on the producer's network thread (or the caller's, for an immediate failure): it must not block.
   */
  void send(Call call, Consumer<Throwable> done) {
    try {
      producer.send(CallRecords.of(topics.calls(), call), (md, error) -> done.accept(error));
    } catch (RuntimeException e) {
      done.accept(e);
    }
  }

  static EdgeException sendFailed(Call call, Throwable error) {
    log.warn("cannot send call {} ({}) to the calls topic", call.callId(), call.qualifiedName(), error);
    return EdgeException.unavailable("calls topic unavailable: " + Errors.unwrap(error).getMessage(), error)
        .with("callId", call.callId());
  }

  /**
   * Blocking (Redis): records the call as queued. The store keeps a QUEUED status only when it knows nothing newer
   * (never over RUNNING, never once there is a result), so racing a fast processor is harmless. Never throws.
   */
  void markQueued(Call call) {
    try {
      store.putStatus(
          new CallStatus(
              call.callId(), call.user(), call.function(), CallState.QUEUED, call.submittedAtMillis(), 0, ""));
    } catch (RuntimeException e) {
      log.warn("cannot store queued status of call {}", call.callId(), e);
    }
  }

  /** Records the call as queued on a background thread: never blocks the caller, whatever Redis does. */
  void markQueuedLater(Call call) {
    statusWriter.execute(() -> markQueued(call));
  }

  @Override
  public void close() {
    statusWriter.shutdown();
    try {
      if (!statusWriter.awaitTermination(2, TimeUnit.SECONDS)) {
        statusWriter.shutdownNow();
      }
    } catch (InterruptedException e) {
      statusWriter.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Blocking (Redis): the call's result if it landed after all, else null, having recorded the call as queued (so the
   * 504's status link answers even before a processor picked the call up). Never throws.
   */
  CallResult resultOrMarkQueued(Call call) {
    try {
      Optional<CallResult> result = store.result(call.callId());
      if (result.isPresent()) {
        return result.get();
      }
    } catch (RuntimeException e) {
      log.warn("cannot look up call {} after its wait ended", call.callId(), e);
    }
    markQueued(call);
    return null;
  }
}
