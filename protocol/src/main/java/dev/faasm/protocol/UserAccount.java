package dev.faasm.protocol;

import dev.faasm.protocol.proto.UserRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A user of the platform and the salted hash of its one API key: the value of a record on the users topic.
 *
 * <p>A key reads {@code fk.<user>.<secret>}: 32 random bytes in base64url after the user's name, so the edge finds the
 * account without trying every hash. Only {@code sha-256(salt || secret)} is stored; the secret is shown once, when the
 * key is made. A fast hash is enough for a 256-bit random secret (nobody can guess it by trying hashes); a slow one
 * would cost every request milliseconds.
 */
public record UserAccount(
    String user, byte[] salt, byte[] keyHash, long createdAtMillis, long keyCreatedAtMillis, boolean admin,
    Quota quota) {
  private static final String PREFIX = "fk.";
  private static final int SECRET_BYTES = 32;
  private static final int SALT_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  public UserAccount {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(keyHash, "keyHash");
    Objects.requireNonNull(quota, "quota");
    if (!Names.isValid(user)) {
      throw new IllegalArgumentException("invalid user name '" + user + "'");
    }
  }

  /** A new account (or a new key for one) and the key, which exists nowhere else. */
  public record WithKey(UserAccount account, String key) {}

  /** Makes a fresh key for {@code user}; {@code created} is kept from an older account when rotating. */
  public static WithKey newKey(String user, long createdAtMillis, long nowMillis, boolean admin, Quota quota) {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    UserAccount account = new UserAccount(user, salt, hash(salt, secretText), createdAtMillis, nowMillis, admin, quota);
    return new WithKey(account, PREFIX + user + "." + secretText);
  }

  /** The user a key claims to belong to (not yet checked), if it has a key's shape. */
  public static Optional<String> userOf(String key) {
    if (key == null || !key.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int dot = key.lastIndexOf('.');
    if (dot <= PREFIX.length()) {
      return Optional.empty();
    }
    String user = key.substring(PREFIX.length(), dot);
    return Names.isValid(user) ? Optional.of(user) : Optional.empty();
  }

  /** Whether {@code key} is this account's current key (compared in constant time). */
  public boolean accepts(String key) {
    if (!userOf(key).map(user::equals).orElse(false)) {
      return false;
    }
    String secret = key.substring(key.lastIndexOf('.') + 1);
    return MessageDigest.isEqual(keyHash, hash(salt, secret));
  }

  public UserAccount withQuota(Quota q) {
    return new UserAccount(user, salt, keyHash, createdAtMillis, keyCreatedAtMillis, admin, q);
  }

  public byte[] encode() {
    UserRecord.Builder b = UserRecord.newBuilder()
        .setUser(user)
        .setSalt(com.google.protobuf.ByteString.copyFrom(salt))
        .setKeyHash(com.google.protobuf.ByteString.copyFrom(keyHash))
        .setCreatedAtMillis(createdAtMillis)
        .setKeyCreatedAtMillis(keyCreatedAtMillis)
        .setAdmin(admin);
    if (quota.callsPerSecond() != Quota.UNSET) {
      b.setCallsPerSecond(quota.callsPerSecond());
    }
    if (quota.callsInFlight() != Quota.UNSET) {
      b.setCallsInFlight((int) Math.min(Integer.MAX_VALUE, quota.callsInFlight()));
    }
    if (quota.moduleBytes() != Quota.UNSET) {
      b.setModuleBytes(quota.moduleBytes());
    }
    return b.build().toByteArray();
  }

  /** @throws ProtocolException naming the problem when the record is not a valid user record */
  public static UserAccount decode(byte[] data) {
    UserRecord r = Codec.parse(data, "user", UserRecord.parser());
    if (!Names.isValid(r.getUser())) {
      throw new ProtocolException("user: invalid user name '" + r.getUser() + "'");
    }
    if (r.getSalt().size() < 8 || r.getKeyHash().size() != 32) {
      throw new ProtocolException("user " + r.getUser() + ": salt or key hash missing");
    }
    try {
      Quota q = new Quota(
          r.hasCallsPerSecond() ? r.getCallsPerSecond() : Quota.UNSET,
          r.hasCallsInFlight() ? r.getCallsInFlight() : Quota.UNSET,
          r.hasModuleBytes() ? r.getModuleBytes() : Quota.UNSET);
      return new UserAccount(r.getUser(), r.getSalt().toByteArray(), r.getKeyHash().toByteArray(),
          r.getCreatedAtMillis(), r.getKeyCreatedAtMillis(), r.getAdmin(), q);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("user " + r.getUser() + ": " + e.getMessage(), e);
    }
  }

  private static byte[] hash(byte[] salt, String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "UserAccount[" + user + (admin ? ", admin" : "") + ", " + quota + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserAccount a && user.equals(a.user) && java.util.Arrays.equals(salt, a.salt)
        && java.util.Arrays.equals(keyHash, a.keyHash) && createdAtMillis == a.createdAtMillis
        && keyCreatedAtMillis == a.keyCreatedAtMillis && admin == a.admin && quota.equals(a.quota);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, java.util.Arrays.hashCode(keyHash), admin, quota);
  }
}
