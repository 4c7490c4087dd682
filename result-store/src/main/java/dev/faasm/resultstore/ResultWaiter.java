package dev.faasm.resultstore;

import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Wakes synchronous callers when their call's result lands, without a thread or a poll loop per caller.
 *
 * <p>One dedicated Redis connection, read by one thread, subscribes to this process's reply channel; a small pool of
 * {@value #WORKERS} worker threads decodes messages, reads results that arrived as a bare call id, and completes the
 * futures. The stored result is the source of truth: {@link #await} registers the caller first and then looks the
 * result up, and after every (re)subscription all pending calls are looked up again in batches, so a result stored
 * before the registration or while the connection was down still completes its waiters.
 *
 * <p>Futures complete on a worker thread: callbacks attached with {@code thenApply} etc. run there, so they must not
 * block (use the {@code *Async} variants with your own executor for anything slow). Cancelling a future or letting it
 * time out ({@link CompletableFuture#orTimeout}) removes its registration. {@link #close()} fails the futures still
 * pending with a {@link ResultStoreException}.
 */
public final class ResultWaiter implements AutoCloseable {
  static final int WORKERS = 2;

  private static final Logger log = LoggerFactory.getLogger(ResultWaiter.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final long INITIAL_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final Duration HEALTH_CHECK_INTERVAL = Duration.ofSeconds(10);
  private static final Duration LOOKUP_RETRY = Duration.ofSeconds(1);

  private final ResultStore store;
  private final String channel;
  private final byte[] channelBytes;
  private final Map<String, List<Registration>> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> lookups = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean lookupScheduled = new AtomicBoolean();
  private final ScheduledThreadPoolExecutor workers;
  private final Thread subscriber;
  private final CompletableFuture<Void> firstSubscription = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Connection connection;
  private volatile Exception lastError;
  private volatile boolean lookupsFailing;
  /** Why the health check dropped the connection, for the one warning about the drop; null if it did not. */
  private volatile String dropReason;
  // Subscriber thread only (subscribeLoop and the PubSub callbacks it runs): the unsubscribed spell being logged.
  private long unsubscribedSinceNanos = -1;
  private int failedSubscribes;

  public ResultWaiter(ResultStore store, String channel) {
    this.store = Objects.requireNonNull(store, "store");
    this.channel = Objects.requireNonNull(channel, "channel");
    if (channel.isEmpty()) {
      throw new IllegalArgumentException("a result waiter needs a channel name");
    }
    this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
    this.workers = new ScheduledThreadPoolExecutor(WORKERS, daemonThreads("result-waiter-worker-"));
    this.workers.setRemoveOnCancelPolicy(true);
    this.workers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.subscriber = new Thread(this::subscribeLoop, "result-waiter-subscriber-" + channel);
    this.subscriber.setDaemon(true);
  }

  /**
   * Starts the subscriber and returns once it is subscribed; idempotent.
   *
   * @throws ResultStoreUnavailableException if it could not subscribe within 10 s (the waiter is then closed)
   */
  public ResultWaiter start() {
    return start(START_TIMEOUT);
  }

  /** {@link #start()} with another bound on the wait for the first subscription. */
  public ResultWaiter start(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (closed.get()) {
      throw new IllegalStateException("result waiter on " + channel + " is closed");
    }
    if (started.compareAndSet(false, true)) {
      subscriber.start();
      long interval = HEALTH_CHECK_INTERVAL.toMillis();
      workers.scheduleWithFixedDelay(this::checkConnection, interval, interval, TimeUnit.MILLISECONDS);
    }
    try {
      firstSubscription.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return this;
    } catch (TimeoutException e) {
      close();
      throw new ResultStoreUnavailableException(
          "could not subscribe to " + channel + " on Redis at " + store.config().safeUrl() + " within "
              + timeout.toMillis() + " ms: " + lastError,
          lastError);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new ResultStoreException("interrupted while subscribing to " + channel, e);
    } catch (ExecutionException e) {
      throw new ResultStoreException("result waiter on " + channel + " failed to start: " + e.getCause(), e);
    }
  }

  /**
   * A future that completes with the call's result once it is stored (at once if it already is). Register before the
   * result can land, e.g. before submitting the call, or rely on the store look-up that follows registration.
   */
  public CompletableFuture<CallResult> await(String callId) {
    return register(callId, true);
  }

  /**
   * {@link #await} for a call that has not been sent yet, so it cannot have a result: no store look-up follows the
   * registration (one Redis round trip fewer per synchronous call). A result published while this waiter is not
   * subscribed is still found: every (re)subscription looks up all registered calls.
   */
  public CompletableFuture<CallResult> awaitUnsent(String callId) {
    return register(callId, false);
  }

  private CompletableFuture<CallResult> register(String callId, boolean lookUp) {
    Objects.requireNonNull(callId, "callId");
    Registration registration = new Registration(callId);
    pending.incrementAndGet();
    waiting.compute(
        callId,
        (id, list) -> {
          List<Registration> l = list == null ? new ArrayList<>(1) : list;
          l.add(registration);
          return l;
        });
    // Cancelled, timed out or completed by the caller: forget it.
    registration.future.whenComplete((result, error) -> registration.release());
    if (closed.get()) {
      registration.fail(closedException());
      return registration.future;
    }
    if (lookUp) {
      lookUp(callId);
    }
    return registration.future;
  }

  /** How many futures returned by {@link #await} have not completed yet. */
  public int pending() {
    return pending.get();
  }

  public String channel() {
    return channel;
  }

  /** How many call ids have registered futures (for tests: no registration outlives its future). */
  int registeredCalls() {
    return waiting.size();
  }

  /** Whether the subscriber is subscribed right now. */
  public boolean isSubscribed() {
    Connection c = connection;
    return c != null && c.pubSub.isSubscribed();
  }

  /** Unsubscribes, stops the threads (waiting at most a few seconds) and fails the pending futures; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    boolean interrupted = false;
    Connection c = connection;
    if (c != null) {
      c.unsubscribe();
    }
    subscriber.interrupt();
    try {
      if (subscriber.isAlive()) {
        subscriber.join(CLOSE_TIMEOUT.toMillis());
      }
      c = connection;
      if (subscriber.isAlive() && c != null) {
        c.drop();
        subscriber.join(CLOSE_TIMEOUT.toMillis());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    firstSubscription.completeExceptionally(closedException());
    for (String callId : List.copyOf(waiting.keySet())) {
      fail(callId, closedException());
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    log.debug("result waiter on {} closed", channel);
  }

  // ---- subscriber thread ----

  /**
   * Subscribes and, whenever the subscription drops, subscribes again with a bounded exponential backoff. Logs one
   * warning when a spell without a subscription begins, DEBUG per failed retry, one INFO when subscribed again.
   */
  private void subscribeLoop() {
    long backoff = INITIAL_BACKOFF_MS;
    while (!closed.get()) {
      Connection c = null;
      try {
        c = new Connection(store.newConnection());
        connection = c;
        if (!closed.get()) {
          c.jedis.subscribe(c.pubSub, channelBytes);
        }
      } catch (JedisException | ResultStoreException e) {
        lastError = e;
        if (c != null && c.subscribedOnce) {
          backoff = INITIAL_BACKOFF_MS;
        }
        if (closed.get()) {
          break;
        }
        failedSubscribes++;
        if (unsubscribedSinceNanos < 0) {
          unsubscribedSinceNanos = System.nanoTime();
          String reason = dropReason != null ? dropReason : e.getMessage();
          log.warn(
              "result waiter on {} is not subscribed at {} ({}); retrying quietly until it is",
              channel, store.config().safeUrl(), reason);
        } else {
          log.debug("result waiter on {} still cannot subscribe (attempt {})", channel, failedSubscribes, e);
        }
        dropReason = null;
      } finally {
        connection = null;
        if (c != null) {
          c.jedis.close();
        }
      }
      if (closed.get()) {
        break;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        if (closed.get()) {
          break;
        }
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /** One subscribed connection and its pub/sub state. */
  private final class Connection {
    final Jedis jedis;
    final PubSub pubSub = new PubSub();
    volatile boolean subscribedOnce;
    volatile long lastPingNanos;
    volatile long lastPongNanos;

    Connection(Jedis jedis) {
      this.jedis = jedis;
    }

    /** Ends the subscription: politely when subscribed, else by dropping the connection so subscribe() fails. */
    synchronized void unsubscribe() {
      try {
        if (pubSub.isSubscribed()) {
          pubSub.unsubscribe();
        } else {
          drop();
        }
      } catch (JedisException e) {
        log.debug("unsubscribing from {} failed; disconnecting", channel, e);
        drop();
      }
    }

    /** Closes the socket, which makes the subscriber thread's blocking read fail. */
    void drop() {
      try {
        jedis.disconnect();
      } catch (JedisException e) {
        log.debug("closing the connection for {} failed", channel, e);
      }
    }

    synchronized void ping() {
      lastPingNanos = System.nanoTime();
      pubSub.ping();
    }

    private final class PubSub extends BinaryJedisPubSub {
      @Override
      public void onSubscribe(byte[] subscribedChannel, int subscribedChannels) {
        subscribedOnce = true;
        lastPongNanos = System.nanoTime();
        if (unsubscribedSinceNanos >= 0) {
          log.info(
              "result waiter on {} subscribed again after {} ms and {} failed attempts; re-checking {} pending calls",
              channel, (lastPongNanos - unsubscribedSinceNanos) / 1_000_000, failedSubscribes, waiting.size());
        } else {
          log.debug("result waiter subscribed to {}", channel);
        }
        unsubscribedSinceNanos = -1;
        failedSubscribes = 0;
        firstSubscription.complete(null);
        // Results stored while we were not subscribed were published to nobody: look every pending call up.
        execute(() -> waiting.keySet().forEach(ResultWaiter.this::lookUp));
      }

      @Override
      public void onMessage(byte[] messageChannel, byte[] message) {
        // On this thread, without a hand-off: decoding and completing futures is cheap (their callbacks only hand
        // the answer on), and an id-only message's store read is queued to a worker by handle.
        try {
          handle(message);
        } catch (RuntimeException e) {
          log.warn("cannot handle a message of {} bytes on {}", message.length, channel, e);
        }
      }

      @Override
      public void onPong(byte[] pattern) {
        lastPongNanos = System.nanoTime();
      }
    }
  }

  // ---- worker threads ----

  private void handle(byte[] message) {
    if (message.length > 0 && message[0] == ResultStore.ID_MESSAGE) {
      String callId = new String(message, 1, message.length - 1, StandardCharsets.UTF_8);
      if (waiting.containsKey(callId)) {
        lookUp(callId);
      }
      return;
    }
    CallResult result;
    try {
      result = Codec.decodeResult(message);
    } catch (ProtocolException e) {
      log.warn("ignoring an undecodable message of {} bytes on {}", message.length, channel, e);
      return;
    }
    complete(result.callId(), result);
  }

  /** Queues a look-up of the call's stored result; queued look-ups are read together with MGET. */
  private void lookUp(String callId) {
    lookups.add(callId);
    if (lookupScheduled.compareAndSet(false, true)) {
      execute(this::runLookups);
    }
  }

  /** Drains the look-up queue on one worker at a time, so look-ups run in the order they were asked for. */
  private void runLookups() {
    do {
      Set<String> batch = new LinkedHashSet<>();
      for (String id = lookups.poll(); id != null; id = lookups.poll()) {
        if (waiting.containsKey(id)) {
          batch.add(id);
        }
      }
      if (!batch.isEmpty()) {
        lookUpNow(List.copyOf(batch));
      }
      lookupScheduled.set(false);
    } while (!lookups.isEmpty() && lookupScheduled.compareAndSet(false, true));
  }

  private void lookUpNow(List<String> ids) {
    Map<String, byte[]> found;
    try {
      found = store.encodedResults(ids);
    } catch (ResultStoreException e) {
      if (!lookupsFailing) {
        lookupsFailing = true;
        log.warn(
            "cannot look up pending results for {} ({}); retrying every {} ms",
            channel, e.getMessage(), LOOKUP_RETRY.toMillis());
      } else {
        log.debug("looking up {} pending results for {} failed again", ids.size(), channel, e);
      }
      schedule(() -> ids.forEach(this::lookUp), LOOKUP_RETRY);
      return;
    }
    if (lookupsFailing) {
      log.info("looking up pending results for {} works again", channel);
      lookupsFailing = false;
    }
    found.forEach(
        (callId, encoded) -> {
          try {
            complete(callId, store.decodeResult(callId, encoded));
          } catch (ResultStoreException e) {
            fail(callId, e);
          }
        });
  }

  private void complete(String callId, CallResult result) {
    List<Registration> list = waiting.remove(callId);
    if (list != null) {
      list.forEach(r -> r.complete(result));
    }
  }

  private void fail(String callId, Throwable error) {
    List<Registration> list = waiting.remove(callId);
    if (list != null) {
      list.forEach(r -> r.fail(error));
    }
  }

  /** One caller's wait; released (uncounted and unregistered) exactly once, before its future completes. */
  private final class Registration {
    final String callId;
    final CompletableFuture<CallResult> future = new CompletableFuture<>();
    private final AtomicBoolean released = new AtomicBoolean();

    Registration(String callId) {
      this.callId = callId;
    }

    void complete(CallResult result) {
      release();
      future.complete(result);
    }

    void fail(Throwable error) {
      release();
      future.completeExceptionally(error);
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        pending.decrementAndGet();
        waiting.computeIfPresent(
            callId,
            (id, list) -> {
              list.remove(this);
              return list.isEmpty() ? null : list;
            });
      }
    }
  }

  /**
   * Pings the subscribed connection; drops it when the previous ping got no pong, so a connection that died without
   * the socket noticing (a half-open TCP connection) is replaced.
   */
  private void checkConnection() {
    Connection c = connection;
    if (c == null || !c.pubSub.isSubscribed()) {
      return;
    }
    if (c.lastPingNanos != 0 && c.lastPongNanos < c.lastPingNanos) {
      // The subscriber thread logs the drop, with this reason, once.
      dropReason = "no pong within " + HEALTH_CHECK_INTERVAL.toSeconds() + " s";
      c.drop();
      return;
    }
    try {
      c.ping();
    } catch (JedisException e) {
      log.debug("ping on {} failed; reconnecting", channel, e);
      c.drop();
    }
  }

  private void execute(Runnable task) {
    try {
      workers.execute(guarded(task));
    } catch (RejectedExecutionException e) {
      if (!closed.get()) {
        throw e;
      }
    }
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      workers.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (!closed.get()) {
        throw e;
      }
    }
  }

  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("result waiter task on {} failed", channel, e);
      }
    };
  }

  private ResultStoreException closedException() {
    return new ResultStoreException("result waiter on " + channel + " is closed");
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
