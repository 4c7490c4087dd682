package dev.faasm.processor;

import dev.faasm.protocol.CallIds;
import dev.faasm.resultstore.ResultStoreConfig;
import dev.faasm.runtime.StateException;
import dev.faasm.runtime.StateHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Faasm's shared state in Redis (the role Redis had in Faasm): every user's values, appended elements and global
 * locks, with size limits per key and per user kept in the same atomic scripts that write. One per processor;
 * {@link #forUser} gives a call the {@link StateHost} of its own user only.
 *
 * <p>Keys, all of one user in one Redis Cluster slot ({@code {user}} hash tag): {@code <prefix>state:{user}:v:<key>}
 * (value, a string), {@code ...:a:<key>} (appended elements, a list), {@code ...:l:<key>} (global lock, with a TTL)
 * and {@code <prefix>state:{user}:usage} (a hash: bytes per value/list and their total). Values do not expire.
 */
final class RedisState implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisState.class);
  private static final int POOL_SIZE = 32;
  private static final int TIMEOUT_MILLIS = 5_000;
  private static final long LOCK_POLL_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final long LOCK_POLL_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** KEYS: value, usage. ARGV: field, value, max value bytes, max user bytes. Replaces the value within the limits. */
  private static final byte[] SET =
      utf8(
          "local old = redis.call('STRLEN', KEYS[1])\n"
              + "local new = string.len(ARGV[2])\n"
              + "if new > tonumber(ARGV[3]) then return {-1, new} end\n"
              + "local total = tonumber(redis.call('HGET', KEYS[2], 'total') or '0') - old + new\n"
              + "if total > tonumber(ARGV[4]) then return {-2, total} end\n"
              + "redis.call('SET', KEYS[1], ARGV[2])\n"
              + "redis.call('HSET', KEYS[2], ARGV[1], new, 'total', total)\n"
              + "return {0, total}\n");

  /** KEYS: value, usage. ARGV: field, max value bytes, max user bytes, then offset/bytes pairs. SETRANGE each. */
  private static final byte[] SET_CHUNKS =
      utf8(
          "local old = redis.call('STRLEN', KEYS[1])\n"
              + "local new = old\n"
              + "for i = 4, #ARGV, 2 do\n"
              + "  local e = tonumber(ARGV[i]) + string.len(ARGV[i + 1])\n"
              + "  if e > new then new = e end\n"
              + "end\n"
              + "if new > tonumber(ARGV[2]) then return {-1, new} end\n"
              + "local total = tonumber(redis.call('HGET', KEYS[2], 'total') or '0') - old + new\n"
              + "if total > tonumber(ARGV[3]) then return {-2, total} end\n"
              + "for i = 4, #ARGV, 2 do redis.call('SETRANGE', KEYS[1], tonumber(ARGV[i]), ARGV[i + 1]) end\n"
              + "redis.call('HSET', KEYS[2], ARGV[1], new, 'total', total)\n"
              + "return {0, total}\n");

  /** KEYS: list, usage. ARGV: field, element, max value bytes, max user bytes. RPUSH within the limits. */
  private static final byte[] APPEND =
      utf8(
          "local len = string.len(ARGV[2])\n"
              + "local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') + len\n"
              + "if mine > tonumber(ARGV[3]) then return {-1, mine} end\n"
              + "local total = tonumber(redis.call('HGET', KEYS[2], 'total') or '0') + len\n"
              + "if total > tonumber(ARGV[4]) then return {-2, total} end\n"
              + "redis.call('RPUSH', KEYS[1], ARGV[2])\n"
              + "redis.call('HSET', KEYS[2], ARGV[1], mine, 'total', total)\n"
              + "return {0, total}\n");

  /** KEYS: list, usage. ARGV: field. Deletes the list and gives its bytes back. */
  private static final byte[] CLEAR_APPENDED =
      utf8(
          "local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')\n"
              + "redis.call('DEL', KEYS[1])\n"
              + "redis.call('HDEL', KEYS[2], ARGV[1])\n"
              + "if mine > 0 then redis.call('HINCRBY', KEYS[2], 'total', 0 - mine) end\n"
              + "return mine\n");

  /** KEYS: lock. ARGV: token, TTL in ms. Extends the lock's life only if this token still holds it. */
  private static final byte[] RENEW =
      utf8(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
              + "  return redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
              + "end\n"
              + "return 0\n");

  /** KEYS: lock. ARGV: token. Deletes the lock only if this token still holds it. */
  private static final byte[] UNLOCK =
      utf8(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
              + "  redis.call('DEL', KEYS[1])\n"
              + "  return 1\n"
              + "end\n"
              + "return 0\n");

  private final StateConfig config;
  private final String prefix;
  private final String safeUrl;
  private final JedisPooled jedis;
  private final Map<String, LocalLock> localLocks = new ConcurrentHashMap<>();
  /** Global locks held by calls of this processor: their TTL is extended while they are held. */
  private final Set<HeldLock> renewed = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService renewer;

  RedisState(ResultStoreConfig store, StateConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.prefix = store.keyPrefix() + "state:";
    this.safeUrl = store.safeUrl();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(POOL_SIZE);
    pool.setMaxIdle(POOL_SIZE);
    pool.setMinIdle(0);
    pool.setMaxWait(Duration.ofSeconds(5));
    this.jedis = new JedisPooled(pool, store.uri(), TIMEOUT_MILLIS);
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "faasm-state-lock-renewer");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, config.lockTtl().toMillis() / 3);
    renewer.scheduleWithFixedDelay(this::renewLocks, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Extends every held global lock by the TTL, so a lock outlives its TTL while its call runs and expires at most one
   * TTL after its processor stopped renewing (killed, or cut off from Redis). A lock found taken by someone else
   * (it expired during an outage) is dropped: its release then reports it lost.
   */
  private void renewLocks() {
    byte[] ttl = number(config.lockTtl().toMillis());
    for (HeldLock held : renewed) {
      try {
        Object kept = jedis.eval(RENEW, List.of(held.key()), List.of(held.token(), ttl));
        if (!Long.valueOf(1).equals(kept)) {
          renewed.remove(held);
          log.warn("state lock {} expired while held (Redis unreachable for longer than the lock TTL?)",
              new String(held.key(), StandardCharsets.UTF_8));
        }
      } catch (JedisException e) {
        log.warn("cannot renew state lock {}; trying again in {} ms", new String(held.key(), StandardCharsets.UTF_8),
            config.lockTtl().toMillis() / 3, e);
      }
    }
  }

  /** A global lock this processor holds: its key and the token that proves it. */
  private record HeldLock(byte[] key, byte[] token) {
    @Override
    public boolean equals(Object o) {
      return o instanceof HeldLock other && Arrays.equals(key, other.key) && Arrays.equals(token, other.token);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(key) + Arrays.hashCode(token);
    }

    @Override
    public String toString() {
      return "HeldLock[" + new String(key, StandardCharsets.UTF_8) + "]";
    }
  }

  StateConfig config() {
    return config;
  }

  /** The state of {@code user}: nothing else can be named through it. */
  StateHost forUser(String user) {
    return new UserState(user);
  }

  @Override
  public void close() {
    renewer.shutdownNow();
    renewed.clear();
    jedis.close();
  }

  private <T> T call(String action, Supplier<T> operation) {
    try {
      return operation.get();
    } catch (JedisException e) {
      throw new StateException("state store at " + safeUrl + " failed " + action + ": " + e.getMessage(), e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] number(long n) {
    return utf8(Long.toString(n));
  }

  /** A processor-local read/write lock of one key, shared by the calls holding or waiting for it. */
  private static final class LocalLock {
    final StampedLock lock = new StampedLock();
    int users;
  }

  private final class UserState implements StateHost {
    private final String user;
    private final String base;
    private final byte[] usage;

    UserState(String user) {
      this.user = user;
      this.base = prefix + "{" + user + "}:";
      this.usage = utf8(base + "usage");
    }

    private byte[] key(String kind, String key) {
      return utf8(base + kind + ":" + key);
    }

    @Override
    public long maxValueBytes() {
      return config.maxValueBytes();
    }

    @Override
    public long size(String key) {
      return call("reading the size of " + key, () -> jedis.strlen(key("v", key)));
    }

    @Override
    public byte[] get(String key) {
      byte[] value = call("reading " + key, () -> jedis.get(key("v", key)));
      return value == null ? new byte[0] : value;
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
      if (length == 0) {
        return new byte[0];
      }
      byte[] value = call("reading " + key, () -> jedis.getrange(key("v", key), offset, offset + length - 1));
      return value == null ? new byte[0] : value;
    }

    @Override
    public void set(String key, byte[] value) {
      List<byte[]> args = List.of(utf8("v:" + key), value, number(config.maxValueBytes()),
          number(config.maxUserBytes()));
      checked(key, "value", call("writing " + key,
          () -> jedis.eval(SET, List.of(key("v", key), usage), args)));
    }

    @Override
    public void setChunks(String key, List<Chunk> chunks) {
      List<byte[]> args = new ArrayList<>();
      args.add(utf8("v:" + key));
      args.add(number(config.maxValueBytes()));
      args.add(number(config.maxUserBytes()));
      for (Chunk c : chunks) {
        args.add(number(c.offset()));
        args.add(c.bytes());
      }
      checked(key, "value", call("writing " + key,
          () -> jedis.eval(SET_CHUNKS, List.of(key("v", key), usage), args)));
    }

    @Override
    public void append(String key, byte[] element) {
      List<byte[]> args = List.of(utf8("a:" + key), element, number(config.maxValueBytes()),
          number(config.maxUserBytes()));
      checked(key, "appended elements", call("appending to " + key,
          () -> jedis.eval(APPEND, List.of(key("a", key), usage), args)));
    }

    @Override
    public List<byte[]> appended(String key, int count) {
      if (count <= 0) {
        return List.of();
      }
      return call("reading the elements appended to " + key, () -> jedis.lrange(key("a", key), 0, count - 1));
    }

    @Override
    public void clearAppended(String key) {
      call("clearing the elements appended to " + key,
          () -> jedis.eval(CLEAR_APPENDED, List.of(key("a", key), usage), List.of(utf8("a:" + key))));
    }

    /** Turns a script's {limit, size} answer into the error naming the limit. */
    private void checked(String key, String what, Object answer) {
      List<?> result = (List<?>) answer;
      long code = (Long) result.get(0);
      long size = (Long) result.get(1);
      if (code == -1) {
        throw new StateException("the " + what + " of state key '" + key + "' would be " + size
            + " bytes, over the limit of " + config.maxValueBytes() + " bytes per key");
      }
      if (code == -2) {
        throw new StateException("the state of user '" + user + "' would be " + size
            + " bytes, over the limit of " + config.maxUserBytes() + " bytes per user");
      }
    }

    @Override
    public Lock lockGlobal(String key, Duration maxWait) throws InterruptedException {
      byte[] lockKey = key("l", key);
      byte[] token = utf8(CallIds.random());
      SetParams params = SetParams.setParams().nx().px(config.lockTtl().toMillis());
      long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
      long pause = LOCK_POLL_MIN_NANOS;
      while (true) {
        String ok = call("locking " + key, () -> jedis.set(lockKey, token, params));
        if ("OK".equals(ok)) {
          HeldLock held = new HeldLock(lockKey, token);
          renewed.add(held);
          return () -> {
            if (!renewed.remove(held)) {
              return false;
            }
            Object released = call("unlocking " + key, () -> jedis.eval(UNLOCK, List.of(lockKey), List.of(token)));
            return Long.valueOf(1).equals(released);
          };
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
        pause = Math.min(pause * 2, LOCK_POLL_MAX_NANOS);
      }
    }

    @Override
    public Lock lockLocal(String key, boolean write, Duration maxWait) throws InterruptedException {
      String name = user + "\u0000" + key;
      LocalLock local = localLocks.compute(name, (k, l) -> {
        LocalLock entry = l == null ? new LocalLock() : l;
        entry.users++;
        return entry;
      });
      long stamp = 0;
      try {
        long nanos = Math.max(0, maxWait.toNanos());
        stamp = write
            ? local.lock.tryWriteLock(nanos, TimeUnit.NANOSECONDS)
            : local.lock.tryReadLock(nanos, TimeUnit.NANOSECONDS);
      } finally {
        if (stamp == 0) {
          forget(name);
        }
      }
      if (stamp == 0) {
        return null;
      }
      long held = stamp;
      boolean[] released = new boolean[1];
      return () -> {
        synchronized (released) {
          if (released[0]) {
            return false;
          }
          released[0] = true;
        }
        local.lock.unlock(held);
        forget(name);
        return true;
      };
    }

    private void forget(String name) {
      localLocks.computeIfPresent(name, (k, l) -> --l.users == 0 ? null : l);
    }
  }
}
