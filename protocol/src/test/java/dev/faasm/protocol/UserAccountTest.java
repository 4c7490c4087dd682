package dev.faasm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UserAccountTest {
  @Test
  void aNewKeyIsAcceptedAndNothingElseIs() {
    UserAccount.WithKey made = UserAccount.newKey("alice", 1, 2, false, Quota.NONE);
    String key = made.key();
    assertTrue(key.startsWith("fk.alice."), key);
    assertTrue(made.account().accepts(key));
    String secret = key.substring("fk.alice.".length());
    String tampered = "fk.alice." + (secret.charAt(0) == 'A' ? 'B' : 'A') + secret.substring(1);
    assertFalse(made.account().accepts(tampered));
    assertFalse(made.account().accepts("fk.bob." + secret));
    assertFalse(made.account().accepts(secret));
    assertFalse(made.account().accepts(""));
    assertFalse(made.account().accepts(null));
    UserAccount.WithKey rotated = UserAccount.newKey("alice", 1, 3, false, Quota.NONE);
    assertFalse(rotated.account().accepts(key));
    assertNotEquals(key, rotated.key());
  }

  @Test
  void theKeyIsNotStoredOnlyItsSaltedHash() {
    UserAccount.WithKey made = UserAccount.newKey("alice", 1, 2, false, Quota.NONE);
    String stored = new String(made.account().encode(), StandardCharsets.ISO_8859_1);
    String secret = made.key().substring("fk.alice.".length());
    assertFalse(stored.contains(secret));
    UserAccount other = UserAccount.newKey("alice", 1, 2, false, Quota.NONE).account();
    assertNotEquals(java.util.HexFormat.of().formatHex(other.salt()),
        java.util.HexFormat.of().formatHex(made.account().salt()));
  }

  @Test
  void userOfReadsTheNameInTheKey() {
    assertEquals(Optional.of("team-a_1"), UserAccount.userOf("fk.team-a_1.abc"));
    assertEquals(Optional.empty(), UserAccount.userOf("fk..abc"));
    assertEquals(Optional.empty(), UserAccount.userOf("fk.a/b.abc"));
    assertEquals(Optional.empty(), UserAccount.userOf("Bearer fk.a.b"));
  }

  @Test
  void recordsRoundTripWithAndWithoutQuotas() {
    UserAccount a = UserAccount.newKey("ops", 5, 6, true, Quota.NONE).account();
    assertEquals(a, UserAccount.decode(a.encode()));
    UserAccount b = a.withQuota(new Quota(2.5, 7, 1024));
    UserAccount back = UserAccount.decode(b.encode());
    assertEquals(b, back);
    assertEquals(new Quota(2.5, 7, 1024), back.quota());
    assertTrue(back.admin());
  }

  @Test
  void undecodableRecordsAreRefusedNamingTheProblem() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> UserAccount.decode(new byte[] {(byte) 0xff}));
    assertTrue(e.getMessage().startsWith("user:"), e.getMessage());
    byte[] noHash = dev.faasm.protocol.proto.UserRecord.newBuilder().setUser("bob").build().toByteArray();
    e = assertThrows(ProtocolException.class, () -> UserAccount.decode(noHash));
    assertTrue(e.getMessage().contains("bob"), e.getMessage());
  }

  @Test
  void quotasFallBackToDefaultsOneByOne() {
    Quota defaults = new Quota(100, 50, 1000);
    assertEquals(new Quota(3, 50, 1000), new Quota(3, Quota.UNSET, Quota.UNSET).orElse(defaults));
    assertEquals(defaults, Quota.NONE.orElse(defaults));
    assertThrows(IllegalArgumentException.class, () -> new Quota(-2, 0, 0));
  }
}
