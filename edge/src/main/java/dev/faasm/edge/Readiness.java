package dev.faasm.edge;

import dev.faasm.registry.FunctionRegistry;
import dev.faasm.resultstore.ResultStore;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;

/**
 * {@code GET /health} (the process answers) and {@code GET /ready}: 200 when the broker answers for the calls topic,
 * Redis answers a ping and the function registry has read the functions topic to its end; else 503 naming each part
 * that is not ready. The checks run in parallel and never block the IO thread.
 */
final class Readiness {
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

  private final Admin admin;
  private final String callsTopic;
  private final ResultStore store;
  private final FunctionRegistry registry;

  Readiness(Admin admin, String callsTopic, ResultStore store, FunctionRegistry registry) {
    this.admin = admin;
    this.callsTopic = callsTopic;
    this.store = store;
    this.registry = registry;
  }

  void health(HttpServerExchange exchange) {
    Responses.json(exchange, 200, Json.object().put("status", "alive"));
  }

  void ready(HttpServerExchange exchange) {
    CompletableFuture<String> kafka = kafka();
    CompletableFuture<String> redis = CompletableFuture.supplyAsync(this::redis, Dispatch.worker(exchange));
    String functions = registry();
    exchange.dispatch(SameThreadExecutor.INSTANCE, () ->
        CompletableFuture.allOf(bounded(kafka), bounded(redis)).whenComplete((v, e) -> {
          String k = outcome(kafka);
          String r = outcome(redis);
          Dispatch.toIoThread(exchange, () -> answer(exchange, k, r, functions));
        }));
  }

  private static void answer(HttpServerExchange exchange, String kafka, String redis, String functions) {
    Json body = Json.object();
    List<String> notReady = new ArrayList<>();
    if (!kafka.equals("ok")) {
      notReady.add("kafka (" + kafka + ")");
    }
    if (!redis.equals("ok")) {
      notReady.add("redis (" + redis + ")");
    }
    if (!functions.equals("ok")) {
      notReady.add("function registry (" + functions + ")");
    }
    if (notReady.isEmpty()) {
      body.put("status", "ready");
    } else {
      body.put("error", "not ready: " + String.join(", ", notReady));
    }
    body.put("kafka", kafka).put("redis", redis).put("functionRegistry", functions);
    Responses.json(exchange, notReady.isEmpty() ? 200 : 503, body);
  }

  private CompletableFuture<String> kafka() {
    CompletableFuture<String> out = new CompletableFuture<>();
    try {
      admin.describeTopics(List.of(callsTopic), new DescribeTopicsOptions().timeoutMs((int) CHECK_TIMEOUT.toMillis()))
          .allTopicNames()
          .whenComplete((topics, error) -> {
            if (error != null) {
              out.complete("calls topic " + callsTopic + " unavailable: " + Errors.unwrap(error).getMessage());
            } else {
              out.complete("ok");
            }
          });
    } catch (RuntimeException e) {
      out.complete("admin client failed: " + e.getMessage());
    }
    return out;
  }

  /** Blocking: runs on a worker. */
  private String redis() {
    return store.ping() ? "ok" : "no answer to PING at " + store.config().safeUrl();
  }

  private String registry() {
    CompletableFuture<Void> caughtUp = registry.caughtUp();
    if (!caughtUp.isDone()) {
      return "still loading the functions topic";
    }
    if (caughtUp.isCompletedExceptionally()) {
      return "failed to load the functions topic";
    }
    return "ok";
  }

  private static CompletableFuture<String> bounded(CompletableFuture<String> check) {
    return check.completeOnTimeout("no answer within " + CHECK_TIMEOUT.toSeconds() + " s",
        CHECK_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
  }

  private static String outcome(CompletableFuture<String> check) {
    return check.getNow("no answer");
  }
}
