package dev.faasm.resultstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.faasm.embedded.EmbeddedRedis;
import dev.faasm.protocol.CallIds;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Stops and restarts a redis-server of its own (not the shared one) under a store and a waiter. */
class RedisOutageIT {
  /** Generous bound for a broken test; reconnecting takes well under a second. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final ListAppender<ILoggingEvent> storeLog = new ListAppender<>();
  private final ListAppender<ILoggingEvent> waiterLog = new ListAppender<>();
  private EmbeddedRedis redis;
  private ResultStore store;

  @BeforeEach
  void open() {
    capture(ResultStore.class, storeLog);
    capture(ResultWaiter.class, waiterLog);
    redis = EmbeddedRedis.start(0);
    store = new ResultStore(new ResultStoreConfig(redis.url(), Duration.ofHours(1), "test-" + CallIds.random() + ":"));
  }

  @AfterEach
  void close() {
    store.close();
    redis.close();
    release(ResultStore.class, storeLog);
    release(ResultWaiter.class, waiterLog);
  }

  @Test
  void oneWarningPerOutageAndOneInfoWhenRedisIsBack() throws Exception {
    String id = CallIds.random();
    assertTrue(store.putResult(Fixtures.result(id, "before"), ""));
    assertTrue(store.available());

    int failed = 0;
    for (int outage = 1; outage <= 2; outage++) {
      int port = redis.port();
      redis.close();
      for (int i = 0; i < 20; i++) {
        assertThrows(ResultStoreUnavailableException.class, () -> store.result(id));
        failed++;
      }
      assertFalse(store.available());
      assertEquals(outage, store.outages());
      assertEquals(outage, events(storeLog, Level.WARN).size(), "one warning per outage");
      assertEquals(outage - 1, events(storeLog, Level.INFO).size());

      redis = EmbeddedRedis.start(port);
      failed += untilItWorks(() -> store.result(id).isEmpty()); // a restarted server is empty
      assertTrue(store.available());
      assertEquals(outage, events(storeLog, Level.INFO).size(), "one line when Redis is back");
      String back = events(storeLog, Level.INFO).get(outage - 1).getFormattedMessage();
      assertTrue(back.startsWith("Redis at " + redis.url() + " is back after "), back);
      assertTrue(back.endsWith("; " + failed + " operations failed meanwhile"), back);
      failed = 0;
    }

    List<ILoggingEvent> warnings = events(storeLog, Level.WARN);
    assertEquals(2, warnings.size());
    for (ILoggingEvent warning : warnings) {
      String message = warning.getFormattedMessage();
      assertTrue(message.contains(redis.url()), message);
      assertTrue(message.contains("reading the result of call " + id), message);
      assertNull(warning.getThrowableProxy(), "no stack trace in " + message);
    }
    assertTrue(events(storeLog, Level.DEBUG).size() >= 2 * 19, "later failures are logged at DEBUG");
  }

  @Test
  void waiterLogsOneWarningWhenItsSubscriptionDropsAndOneInfoWhenSubscribedAgain() throws Exception {
    try (ResultWaiter waiter = new ResultWaiter(store, store.replyChannel(CallIds.random())).start()) {
      int port = redis.port();
      redis.close();
      await(() -> !waiter.isSubscribed(), "subscription dropped");
      await(() -> !events(waiterLog, Level.WARN).isEmpty(), "warning about the dropped subscription");
      // Let it retry a few times (its backoff doubles from 50 ms) before Redis comes back.
      Thread.sleep(500);
      redis = EmbeddedRedis.start(port);
      await(waiter::isSubscribed, "subscribed again");
      await(() -> !events(waiterLog, Level.INFO).isEmpty(), "line about the new subscription");

      assertEquals(1, events(waiterLog, Level.WARN).size(), "one warning per drop, not one per retry");
      assertEquals(1, events(waiterLog, Level.INFO).size());
      String again = events(waiterLog, Level.INFO).get(0).getFormattedMessage();
      assertTrue(again.contains("subscribed again"), again);
      assertTrue(events(waiterLog, Level.DEBUG).stream().anyMatch(e -> e.getMessage().contains("still cannot")));
    }
  }

  /** Retries a read until Redis answers (the pool may hand out a connection to the old server once); returns failures. */
  private int untilItWorks(BooleanSupplier read) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    int failures = 0;
    while (true) {
      try {
        assertTrue(read.getAsBoolean());
        return failures;
      } catch (ResultStoreUnavailableException e) {
        failures++;
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Redis did not answer within " + PATIENCE.toSeconds() + " s", e);
        }
        Thread.sleep(20);
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + PATIENCE.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  private static List<ILoggingEvent> events(ListAppender<ILoggingEvent> appender, Level level) {
    synchronized (appender.list) {
      return appender.list.stream().filter(e -> e.getLevel() == level).toList();
    }
  }

  private static void capture(Class<?> type, ListAppender<ILoggingEvent> appender) {
    Logger logger = (Logger) LoggerFactory.getLogger(type);
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false); // keep the expected failures off the console
    appender.start();
    logger.addAppender(appender);
  }

  private static void release(Class<?> type, ListAppender<ILoggingEvent> appender) {
    Logger logger = (Logger) LoggerFactory.getLogger(type);
    logger.detachAppender(appender);
    logger.setLevel(null);
    logger.setAdditive(true);
    appender.stop();
  }
}
