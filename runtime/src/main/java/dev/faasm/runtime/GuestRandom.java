package dev.faasm.runtime;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The WASI random source of one call: a byte stream determined by the call's seed, so that a replay of the call
 * reads the same bytes, while nobody who does not know the seed can predict them.
 *
 * <p>The stream is HMAC-SHA256(seed, 0) || HMAC-SHA256(seed, 1) || ... (the counter as 8 bytes, big endian); it
 * does not depend on how the guest splits its reads. Chicory's {@code random_get} fills guest memory with
 * {@link #nextBytes}; the other {@link Random} methods draw from the same stream. A {@code null} seed is replaced
 * by {@value #FRESH_SEED_BYTES} bytes of {@link SecureRandom} on first use. Nothing (not even the HMAC) is set up
 * until the guest asks for random bytes. Used by one guest thread only.
 */
final class GuestRandom extends Random {
  static final int FRESH_SEED_BYTES = 32;
  private static final String HMAC = "HmacSHA256";
  private static final SecureRandom FRESH_SEEDS = new SecureRandom();

  private final byte[] seed;
  private final boolean constructed;
  private Mac mac;
  private final byte[] counter = new byte[Long.BYTES];
  private final byte[] block = new byte[32];
  private long blocks;
  private int used = block.length;

  /** @param seed the call's seed (not copied, never changed), or {@code null} for a fresh random one */
  GuestRandom(byte[] seed) {
    super(0L);
    this.seed = seed;
    this.constructed = true;
  }

  @Override
  public void nextBytes(byte[] bytes) {
    int filled = 0;
    while (filled < bytes.length) {
      if (used == block.length) {
        refill();
      }
      int n = Math.min(bytes.length - filled, block.length - used);
      System.arraycopy(block, used, bytes, filled, n);
      used += n;
      filled += n;
    }
  }

  @Override
  protected int next(int bits) {
    byte[] four = new byte[Integer.BYTES];
    nextBytes(four);
    return ByteBuffer.wrap(four).getInt() >>> (Integer.SIZE - bits);
  }

  /** The stream is fixed by the seed; {@link Random}'s constructor calls this once, which is ignored. */
  @Override
  public synchronized void setSeed(long ignored) {
    if (constructed) {
      throw new UnsupportedOperationException("a guest's random stream is fixed by its call's seed");
    }
  }

  private void refill() {
    if (mac == null) {
      mac = newMac(seed != null ? seed : freshSeed());
    }
    ByteBuffer.wrap(counter).putLong(blocks++);
    mac.update(counter);
    try {
      mac.doFinal(block, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " failed", e);
    }
    used = 0;
  }

  private static byte[] freshSeed() {
    byte[] fresh = new byte[FRESH_SEED_BYTES];
    FRESH_SEEDS.nextBytes(fresh);
    return fresh;
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " is not available", e);
    }
  }
}
