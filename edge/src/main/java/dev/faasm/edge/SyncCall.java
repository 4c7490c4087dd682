package dev.faasm.edge;

import dev.faasm.protocol.Call;
import dev.faasm.protocol.CallResult;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;

/**
 * One synchronous call waiting for its result, holding no thread while it waits.
 *
 * <p>The wait is registered before the call is sent, so a result can never arrive unseen. Exactly one of these ends
 * the wait: the result arrives (200 with the output, or 500 with the failure); the send fails (503, the wait is
 * dropped); the deadline passes (504, see below); or the client disconnects (the wait is dropped, nothing is
 * written). Answers are always written on the exchange's IO thread; the deadline is a timer on that same IO thread.
 *
 * <p><b>When the deadline passes, the call is not cancelled.</b> It is durably on the calls topic and keeps running;
 * the edge stops waiting (its registration is removed) and answers 504 with the call id, a
 * {@code Location: /calls/<id>} header and links to poll the status, output and logs later. Cancelling cannot be done
 * reliably (the call may be running, or may have chained further calls) and would turn a slow success into a lost
 * one. Before answering 504 the store is asked once more (a result that landed at the last moment is answered instead)
 * and the call is recorded as queued unless the store knows better, so the status link answers at once. If the send
 * has not been acknowledged when the deadline passes, the answer waits for the acknowledgement (bounded by the
 * producer's delivery timeout) so that a 504 always means "accepted and still running", never "maybe lost".
 */
final class SyncCall {
  private final HttpServerExchange exchange;
  private final Call call;
  private final CallSubmitter submitter;
  private final Duration wait;
  private CompletableFuture<CallResult> result;
  private XnioExecutor.Key timer;
  private Runnable unwatch = () -> {};
  private boolean acked;
  private boolean deadlinePassed;
  private boolean done;

  SyncCall(HttpServerExchange exchange, Call call, CallSubmitter submitter, Duration wait) {
    this.exchange = exchange;
    this.call = call;
    this.submitter = submitter;
    this.wait = wait;
  }

  /** On the exchange's IO thread: stop waiting when the client goes away. */
  void watchDisconnect() {
    Runnable stop = DisconnectWatch.watch(exchange, this::onDisconnect);
    synchronized (this) {
      unwatch = stop;
    }
  }

  /** Registers the wait, arms the deadline, then sends the call. */
  void start() {
    CompletableFuture<CallResult> registered;
    synchronized (this) {
      if (done) {
        return; // the client left before the call was sent: don't send it
      }
      registered = submitter.waiter().awaitUnsent(call.callId());
      result = registered;
      timer = exchange.getIoThread().executeAfter(this::onDeadline, wait.toMillis(), TimeUnit.MILLISECONDS);
    }
    registered.whenComplete(this::onResult);
    submitter.send(call, this::onSent);
  }

  private void onSent(Throwable error) {
    synchronized (this) {
      if (done) {
        return;
      }
      if (error == null) {
        acked = true;
        if (!deadlinePassed) {
          return;
        }
      } else {
        finish();
      }
    }
    if (error != null) {
      EdgeException e = CallSubmitter.sendFailed(call, error);
      Dispatch.toIoThread(exchange, () -> Errors.send(exchange, e));
    } else {
      timedOut();
    }
  }

  private void onResult(CallResult r, Throwable error) {
    synchronized (this) {
      if (done) {
        return;
      }
      finish();
    }
    if (error != null) {
      EdgeException e = EdgeException.unavailable("lost the wait for call " + call.callId(), error);
      Dispatch.toIoThread(exchange, () -> Errors.send(exchange, e));
    } else {
      Dispatch.toIoThread(exchange, () -> CallAnswers.result(exchange, r));
    }
  }

  private void onDeadline() {
    synchronized (this) {
      if (done) {
        return;
      }
      deadlinePassed = true;
      if (!acked) {
        return;
      }
    }
    timedOut();
  }

  private void onDisconnect() {
    synchronized (this) {
      if (done) {
        return;
      }
      finish();
    }
  }

  /** The deadline passed and the call is on the topic: stop waiting, answer from the store or with 504. */
  private void timedOut() {
    synchronized (this) {
      if (done) {
        return;
      }
      finish();
    }
    Dispatch.onWorker(exchange, () -> {
      CallResult late = submitter.resultOrMarkQueued(call);
      Dispatch.toIoThread(exchange, () -> {
        if (late != null) {
          CallAnswers.result(exchange, late);
        } else {
          CallAnswers.timeout(exchange, call.callId(), wait);
        }
      });
    });
  }

  /** Ends the wait; call while holding this object's lock. */
  private void finish() {
    done = true;
    if (timer != null) {
      timer.remove();
    }
    if (result != null) {
      result.cancel(false);
    }
    unwatch.run();
  }
}
