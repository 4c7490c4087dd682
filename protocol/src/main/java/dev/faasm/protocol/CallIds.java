package dev.faasm.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Call ids: 32 lowercase hex digits (128 bits). Calls from outside get random ids, so an id cannot be guessed; chained
 * calls get ids derived from their parent's id and their position (the first 128 bits of a SHA-256), so a parent that
 * is run again after a crash emits the same child ids and the "first result wins" rule deduplicates them, and a child
 * id is as hard to guess as its parent's. Ids of 16 hex digits, made before ids grew, are still accepted.
 */
public final class CallIds {
  private static final Pattern VALID = Pattern.compile("[0-9a-f]{32}|[0-9a-f]{16}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private CallIds() {}

  /** The number of hex digits of a new id. */
  public static final int LENGTH = 32;

  public static String random() {
    byte[] bits = new byte[LENGTH / 2];
    RANDOM.nextBytes(bits);
    return HexFormat.of().formatHex(bits);
  }

  public static String child(String parentId, String kind, int index) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] h = sha.digest((parentId + "/" + kind + "/" + index).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, LENGTH / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** A fresh secret seed for a call from outside. */
  public static byte[] newSeed() {
    byte[] seed = new byte[Call.SEED_BYTES];
    RANDOM.nextBytes(seed);
    return seed;
  }

  /** HMAC-SHA256(parent seed, label): a child's seed, unguessable without the parent's. */
  public static byte[] deriveSeed(byte[] parentSeed, String label) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(parentSeed, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
