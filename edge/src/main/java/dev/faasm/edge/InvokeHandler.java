package dev.faasm.edge;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.FunctionMeta;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.resultstore.ResultWaiter;
import io.undertow.server.HttpServerExchange;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /f/<user>/<function>/} (synchronous) and {@code POST /fa/<user>/<function>/} (asynchronous).
 *
 * <p>An unknown function is refused before the body is read. The body is read without blocking; the call is built on
 * the IO thread and sent from a worker thread (a Kafka send may block briefly on metadata). A synchronous caller then
 * waits holding no thread ({@link SyncCall}); an asynchronous one is answered 202 once the broker acknowledged the call
 * and its queued status was stored.
 *
 * <p>Each call first needs a permit from {@link Tenants} (429 over the user's rate or in-flight quota). A synchronous
 * call holds it until it is answered; an asynchronous one until its result is stored (this edge is told on its
 * {@code asyncWaiter}'s channel), at most {@link #ASYNC_TRACKING}.
 */
final class InvokeHandler {
  private final FunctionRegistry registry;
  private final CallSubmitter submitter;
  private final int maxInputBytes;
  private final Duration syncWait;
  private final Clock clock;

  /** How long an asynchronous call counts as in flight at most, when its result never reaches this edge. */
  static final Duration ASYNC_TRACKING = Duration.ofMinutes(15);

  private final InvokeTracing tracing;
  private final Tenants tenants;
  private final ResultWaiter asyncWaiter;

  InvokeHandler(
      FunctionRegistry registry, CallSubmitter submitter, EdgeConfig config, Clock clock, InvokeTracing tracing,
      Tenants tenants, ResultWaiter asyncWaiter) {
    this.tenants = tenants;
    this.asyncWaiter = asyncWaiter;
    this.tracing = tracing;
    this.registry = registry;
    this.submitter = submitter;
    this.maxInputBytes = config.maxInputBytes();
    this.syncWait = config.syncWait();
    this.clock = clock;
  }

  /** On the IO thread. */
  void invoke(HttpServerExchange exchange, Target.Function target) {
    FunctionMeta meta = FunctionHandlers.require(registry, target);
    Tenants.Permit permit = tenants.admit(target.user());
    AtomicBoolean handedOver = new AtomicBoolean();
    exchange.addExchangeCompleteListener((ex, next) -> {
      if (!handedOver.get()) {
        permit.release();
      }
      next.proceed();
    });
    String traceParent = InvokeTracing.traceParent(tracing.start(exchange, target));
    List<String> args = arguments(exchange);
    Bodies.read(exchange, maxInputBytes, "input", (ex, input) -> {
      Call call = new Call(
          CallIds.random(), target.user(), target.function(), input, !target.async(), clock.millis(), meta.digest(),
          "", 0, -1, target.async() ? asyncWaiter.channel() : submitter.replyChannel(), CallIds.newSeed(),
          traceParent, args);
      Responses.callId(ex, call.callId());
      if (target.async()) {
        Dispatch.toWorker(ex, () -> submitAsync(ex, call, permit, handedOver));
      } else {
        SyncCall sync = new SyncCall(ex, call, submitter, syncWait);
        sync.watchDisconnect();
        Dispatch.toWorker(ex, sync::start);
      }
    });
  }

  /** Most command-line arguments a call may have. */
  static final int MAX_ARGS = 64;

  /** Most bytes of command-line arguments, all together (UTF-8). */
  static final int MAX_ARG_BYTES = 4096;

  /**
   * The call's command-line arguments, {@code argv[1..]}: the {@code arg} query parameters in order ({@code
   * ?arg=-n&arg=3}). WASI functions read them with {@code main(argc, argv)}; {@code argv[0]} is the function name.
   */
  static List<String> arguments(HttpServerExchange exchange) {
    java.util.Deque<String> values = exchange.getQueryParameters().get("arg");
    if (values == null || values.isEmpty()) {
      return List.of();
    }
    if (values.size() > MAX_ARGS) {
      throw EdgeException.badRequest("too many arguments: " + values.size() + " 'arg' parameters, at most " + MAX_ARGS)
          .with("part", "arg");
    }
    int bytes = 0;
    for (String value : values) {
      if (value.indexOf('\0') >= 0) {
        throw EdgeException.badRequest("an argument contains a NUL character").with("part", "arg");
      }
      bytes += value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
    }
    if (bytes > MAX_ARG_BYTES) {
      throw EdgeException.badRequest("arguments take " + bytes + " bytes, more than " + MAX_ARG_BYTES)
          .with("part", "arg");
    }
    return List.copyOf(values);
  }

  private void submitAsync(
      HttpServerExchange exchange, Call call, Tenants.Permit permit,
      AtomicBoolean handedOver) {
    submitter.send(call, error -> {
      if (error != null) {
        EdgeException e = CallSubmitter.sendFailed(call, error);
        Dispatch.toIoThread(exchange, () -> Errors.send(exchange, e));
        return;
      }
      // Durable on the calls topic: answer now. The queued status is written in the background, so a slow or stalled
      // Redis never holds up a 202.
      submitter.markQueuedLater(call);
      handedOver.set(true);
      asyncWaiter.await(call.callId())
          .orTimeout(ASYNC_TRACKING.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((r, e) -> permit.release());
      Dispatch.toIoThread(exchange, () -> CallAnswers.accepted(exchange, call.callId()));
    });
  }
}
