package dev.faasm.resultstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

class RedisOutagesTest {
  private static final String URL = "redis://127.0.0.1:6390";
  private static final JedisConnectionException REFUSED =
      new JedisConnectionException("Failed to connect", new ConnectException("Connection refused"));

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger logger;
  private RedisOutages outages;

  @BeforeEach
  void captureLogs() {
    logger = (Logger) LoggerFactory.getLogger(RedisOutagesTest.class.getName() + ".captured");
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false);
    appender.start();
    logger.addAppender(appender);
    outages = new RedisOutages(URL, logger, nanos::get);
  }

  @AfterEach
  void stopCapturing() {
    logger.detachAppender(appender);
    appender.stop();
  }

  @Test
  void availableAndSilentWhileEveryOperationSucceeds() {
    outages.succeeded();
    outages.succeeded();
    assertTrue(outages.available());
    assertEquals(0, outages.outages());
    assertEquals(List.of(), appender.list);
  }

  @Test
  void outageLogsOneWarningThenDebugThenOneInfoWhenRedisIsBack() {
    outages.failed("reading the result of call c1", REFUSED);
    for (int i = 2; i <= 5; i++) {
      outages.failed("reading the result of call c" + i, REFUSED);
    }
    assertFalse(outages.available());
    nanos.addAndGet(3_500_000_000L);
    outages.succeeded();
    outages.succeeded();

    assertTrue(outages.available());
    assertEquals(1, outages.outages());
    assertEquals(1, count(Level.WARN));
    assertEquals(4, count(Level.DEBUG));
    assertEquals(1, count(Level.INFO));
    ILoggingEvent warning = events(Level.WARN).get(0);
    String message = warning.getFormattedMessage();
    assertTrue(message.contains(URL), message);
    assertTrue(message.contains("reading the result of call c1"), message);
    assertTrue(message.contains("Failed to connect"), message);
    assertNull(warning.getThrowableProxy(), "the warning carries no stack trace");
    assertEquals(
        "Redis at " + URL + " is back after 3.5 s; 5 operations failed meanwhile",
        events(Level.INFO).get(0).getFormattedMessage());
  }

  @Test
  void eachOutageGetsItsOwnWarning() {
    outages.failed("storing the result of call a", REFUSED);
    outages.succeeded();
    outages.failed("storing the result of call b", REFUSED);
    outages.failed("storing the result of call c", REFUSED);

    assertEquals(2, outages.outages());
    assertFalse(outages.available());
    assertEquals(2, count(Level.WARN));
    assertEquals(1, count(Level.INFO));
    assertTrue(events(Level.INFO).get(0).getFormattedMessage().endsWith("; 1 operations failed meanwhile"));
  }

  @Test
  void concurrentFailuresLogOneWarningAndAreAllCounted() throws Exception {
    int threads = 8;
    int failuresEach = 1_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < failuresEach; i++) {
                  outages.failed("reading 1 results", REFUSED);
                }
              });
      thread.start();
      started.add(thread);
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse(thread.isAlive());
    }
    outages.succeeded();

    assertEquals(1, count(Level.WARN));
    assertEquals(1, outages.outages());
    assertTrue(
        events(Level.INFO).get(0).getFormattedMessage().endsWith("; " + threads * failuresEach + " operations failed meanwhile"),
        events(Level.INFO).get(0).getFormattedMessage());
  }

  private List<ILoggingEvent> events(Level level) {
    return appender.list.stream().filter(e -> e.getLevel() == level).toList();
  }

  private long count(Level level) {
    return events(level).size();
  }
}
