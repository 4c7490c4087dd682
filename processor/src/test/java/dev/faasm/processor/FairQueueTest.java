package dev.faasm.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairQueueTest {
  @Test
  void aFloodingUserTakesTurnsWithTheOthers() {
    FairQueue q = new FairQueue();
    for (int i = 0; i < 100; i++) {
      q.add("a", "a" + i);
    }
    q.add("b", "b0");
    q.add("b", "b1");
    q.add("c", "c0");
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      order.add(q.poll());
    }
    assertEquals(List.of("a0", "b0", "c0", "a1", "b1", "a2", "a3", "a4"), order);
    assertEquals(95, q.size());
  }

  @Test
  void eachUsersCallsKeepTheirOrderAndAnIdIsQueuedOnce() {
    FairQueue q = new FairQueue();
    assertTrue(q.add("a", "x"));
    assertFalse(q.add("a", "x"));
    assertFalse(q.add("b", "x"), "an id is queued once, whoever it is said to belong to");
    q.add("a", "y");
    assertEquals("x", q.poll());
    assertTrue(q.add("a", "x"), "a polled id can be queued again (a retry)");
    assertEquals("y", q.poll());
    assertEquals("x", q.poll());
    assertNull(q.poll());
    assertTrue(q.isEmpty());
  }

  @Test
  void aUserWhoseQueueRanDryJoinsAtTheBack() {
    FairQueue q = new FairQueue();
    q.add("a", "a0");
    q.add("b", "b0");
    assertEquals("a0", q.poll());
    q.add("a", "a1");
    q.add("c", "c0");
    assertEquals("b0", q.poll());
    assertEquals("a1", q.poll());
    assertEquals("c0", q.poll());
    q.add("a", "a2");
    q.clear();
    assertTrue(q.isEmpty());
    assertNull(q.poll());
  }
}
