package dev.faasm.edge;

import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.proto.ReplayReport;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.protocol.proto.ReplayState;
import dev.faasm.protocol.proto.ReplayTarget;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.registry.Topics;
import dev.faasm.resultstore.ResultStore;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /replays} starts a replay of recorded calls; {@code GET /replays/<id>} answers its latest report (both as
 * {@link ReplayJson}). The edge only queues a replay: a processor runs it and writes newer reports.
 *
 * <p>POST reads the body without blocking ({@link ReplayRequests#MAX_BODY_BYTES}, 413 above), validates it on the IO
 * thread (400 naming the field; 404 when {@code targetFunction} is not a function of the user), sends
 * {@code ReplayReport{id, QUEUED, request}} keyed by the replay id to the replays topic from a worker, and once the
 * broker acknowledged it stores the same report in the result store and answers 202 with {@code Location:
 * /replays/<id>}. GET reads the store on a worker; an unknown replay is 404.
 */
final class ReplayHandlers {
  private static final Logger log = LoggerFactory.getLogger(ReplayHandlers.class);

  private final KafkaProducer<String, byte[]> producer;
  private final Topics topics;
  private final ResultStore store;
  private final FunctionRegistry registry;
  private final Clock clock;

  ReplayHandlers(
      KafkaProducer<String, byte[]> producer, Topics topics, ResultStore store, FunctionRegistry registry,
      Clock clock) {
    this.producer = producer;
    this.topics = topics;
    this.store = store;
    this.registry = registry;
    this.clock = clock;
  }

  /** POST, on the IO thread. */
  void submit(HttpServerExchange exchange) {
    Bodies.read(exchange, ReplayRequests.MAX_BODY_BYTES, "replay request", (ex, body) -> {
      String id = CallIds.random();
      ReplayRequest request = ReplayRequests.parse(body, id, clock.millis());
      // The registry is in memory: this does not block.
      if (request.getTarget() == ReplayTarget.REPLAY_TARGET_FUNCTION
          && registry.lookup(request.getUser(), request.getTargetFunction()).isEmpty()) {
        String name = request.getUser() + "/" + request.getTargetFunction();
        throw EdgeException.notFound("target function " + name + " not found")
            .with("field", "targetFunction")
            .with("user", request.getUser())
            .with("function", request.getTargetFunction());
      }
      ReplayReport queued = ReplayReport.newBuilder()
          .setReplayId(id)
          .setState(ReplayState.REPLAY_STATE_QUEUED)
          .setRequest(request)
          .build();
      Dispatch.toWorker(ex, () -> send(ex, queued));
    });
  }

  /** On a worker: a send may block briefly for metadata. The answer follows the broker's acknowledgement. */
  private void send(HttpServerExchange exchange, ReplayReport queued) {
    String id = queued.getReplayId();
    try {
      producer.send(new ProducerRecord<>(topics.replays(), id, queued.toByteArray()), (md, error) -> {
        if (error != null) {
          failed(exchange, id, error);
        } else {
          Dispatch.onWorker(exchange, () -> {
            storeQueued(queued);
            Dispatch.toIoThread(exchange, () -> accepted(exchange, queued));
          });
        }
      });
    } catch (RuntimeException e) {
      failed(exchange, id, e);
    }
  }

  private void failed(HttpServerExchange exchange, String id, Throwable error) {
    log.warn("cannot send replay {} to the replays topic", id, error);
    EdgeException e = EdgeException.unavailable(
            "replays topic unavailable: " + Errors.unwrap(error).getMessage(), error)
        .with("replayId", id);
    Dispatch.toIoThread(exchange, () -> Errors.send(exchange, e));
  }

  /**
   * Blocking (Redis): stores the queued report so that GET answers at once, unless a processor already stored a newer
   * one. Never throws: the replay is durably queued on the topic, and the processor's reports follow.
   */
  private void storeQueued(ReplayReport queued) {
    try {
      store.putReplayReportIfAbsent(queued);
    } catch (RuntimeException e) {
      log.warn("cannot store the queued report of replay {}", queued.getReplayId(), e);
    }
  }

  private static void accepted(HttpServerExchange exchange, ReplayReport queued) {
    log.info("queued replay {}", queued.getReplayId());
    exchange.getResponseHeaders().put(Headers.LOCATION, "/replays/" + queued.getReplayId());
    Responses.json(exchange, 202, ReplayJson.report(queued));
  }

  /** GET, on the IO thread: reads the report on a worker. */
  void get(HttpServerExchange exchange, Target.ReplayInfo target) {
    String id = target.replayId();
    Dispatch.toWorker(exchange, () -> {
      Optional<ReplayReport> report = store.replayReport(id);
      if (report.isEmpty()) {
        throw EdgeException.notFound("replay " + id + " not found").with("replayId", id);
      }
      Dispatch.toIoThread(exchange, () -> Responses.json(exchange, 200, ReplayJson.report(report.get())));
    });
  }
}
