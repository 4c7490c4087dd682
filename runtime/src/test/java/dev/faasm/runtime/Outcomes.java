package dev.faasm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Assertions and helpers on call outcomes. */
final class Outcomes {
  /** A hang guard for the build, not a timing goal. */
  private static final long HANG_GUARD_MINUTES = 5;

  private Outcomes() {}

  static CallOutcome await(CompletableFuture<CallOutcome> future) {
    try {
      return future.get(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError("execute() completed exceptionally", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("call did not finish within " + HANG_GUARD_MINUTES + " minutes", e);
    }
  }

  static void assertSucceeded(CallOutcome outcome) {
    assertTrue(outcome.succeeded(), () -> "expected success, got " + describe(outcome));
    assertEquals(0, outcome.returnCode());
  }

  static void assertFailed(FailureKind kind, CallOutcome outcome) {
    assertEquals(kind, outcome.failure(), () -> "unexpected outcome: " + describe(outcome));
    assertNotNull(outcome.error());
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String describe(CallOutcome outcome) {
    return outcome.failure() + " rc=" + outcome.returnCode() + " error=" + outcome.error() + " logs="
        + text(outcome.logs());
  }
}
