package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.protocol.Quota;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantsTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private Tenants tenants(Quota defaults) {
    return Tenants.forTest(null, defaults, now::get);
  }

  @Test
  void theRateQuotaAllowsOneSecondsBurstThenRefillsAtTheRate() {
    Tenants t = tenants(new Quota(4, Quota.UNSET, Quota.UNSET));
    for (int i = 0; i < 4; i++) {
      t.admit("a").release();
    }
    EdgeException over = assertThrows(EdgeException.class, () -> t.admit("a"));
    assertEquals(429, over.status());
    assertEquals("1", over.headers().get("Retry-After"));
    assertTrue(over.getMessage().contains("quota of 4 calls per second"), over.getMessage());
    t.admit("b").release(); // another user has its own bucket
    now.addAndGet(250_000_000L); // a quarter second: one more token
    t.admit("a").release();
    assertThrows(EdgeException.class, () -> t.admit("a"));
  }

  @Test
  void retryAfterSaysWhenTheNextTokenIsThere() {
    Tenants t = tenants(new Quota(0.1, Quota.UNSET, Quota.UNSET));
    t.admit("a").release();
    EdgeException over = assertThrows(EdgeException.class, () -> t.admit("a"));
    assertEquals("10", over.headers().get("Retry-After"));
    now.addAndGet(4_000_000_000L);
    over = assertThrows(EdgeException.class, () -> t.admit("a"));
    assertEquals("6", over.headers().get("Retry-After"));
  }

  @Test
  void theInFlightQuotaCountsPermitsUntilReleasedOnce() {
    Tenants t = tenants(new Quota(Quota.UNSET, 2, Quota.UNSET));
    Tenants.Permit p1 = t.admit("a");
    Tenants.Permit p2 = t.admit("a");
    EdgeException over = assertThrows(EdgeException.class, () -> t.admit("a"));
    assertEquals(429, over.status());
    assertEquals(2, t.inFlight("a"), "a refused call does not count");
    p1.release();
    p1.release();
    assertEquals(1, t.inFlight("a"), "releasing twice counts once");
    t.admit("a");
    assertThrows(EdgeException.class, () -> t.admit("a"));
    p2.release();
  }

  @Test
  void withoutADirectoryEveryoneActsAsAnAdminAndNothingIsLimitedByDefault() {
    Tenants t = tenants(Quota.NONE);
    assertFalse(t.authRequired());
    assertTrue(Tenants.ANYONE.mayActFor("anyone"));
    for (int i = 0; i < 10_000; i++) {
      t.admit("a");
    }
    assertEquals(10_000, t.inFlight("a"));
  }

  @Test
  void aKeyActsForItsOwnUserOnlyUnlessItIsAnAdmin() {
    Tenants t = tenants(Quota.NONE);
    Tenants.Caller alice = new Tenants.Caller("alice", false);
    t.requireUser(alice, "alice");
    EdgeException e = assertThrows(EdgeException.class, () -> t.requireUser(alice, "bob"));
    assertEquals(403, e.status());
    assertEquals(403, assertThrows(EdgeException.class, () -> t.requireAdmin(alice, "replaying calls")).status());
    t.requireUser(new Tenants.Caller("ops", true), "bob");
  }
}
