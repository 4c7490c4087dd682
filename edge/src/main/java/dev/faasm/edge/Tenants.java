package dev.faasm.edge;

import dev.faasm.protocol.FunctionMeta;
import dev.faasm.protocol.Quota;
import dev.faasm.protocol.UserAccount;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.registry.UserDirectory;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Who may do what on this edge, and how much: API keys, ownership and per-user quotas.
 *
 * <p><b>Keys.</b> With a {@link UserDirectory} every route under {@code /f/<user>/}, {@code /fa/<user>/} and {@code
 * /calls/<id>} needs {@code Authorization: Bearer <key>} of that user, or of an admin (401 without a valid key, 403
 * with another user's key on a function route, 404 for another user's call: its existence is not revealed).
 * {@code /replays} is for admins only (a replay reads any user's calls). Without a directory authentication is off
 * ({@code faasm dev}, or an edge started with {@code --insecure}): everyone acts as an admin.
 *
 * <p><b>Quotas</b> belong to the user that owns the function (whoever calls it): calls per second (a token bucket of
 * one second's worth; above it 429 with {@code Retry-After}), calls in flight (submitted through this edge and not yet
 * finished; 429) and the total size of the user's current function versions (413 on upload). A user's own quota
 * ({@code faasm users quota}) wins over the edge's defaults. Rates and in-flight counts are kept per edge: with N edges
 * behind a balancer a user gets up to N times the rate. All checks run in memory, on the IO thread, without blocking.
 */
public final class Tenants {
  /** Anyone, when authentication is off. */
  static final Caller ANYONE = new Caller("", true);

  private final UserDirectory directory;
  private final Quota defaults;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, RateBucket> buckets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> inFlight = new ConcurrentHashMap<>();

  private Tenants(UserDirectory directory, Quota defaults, LongSupplier nanoTime) {
    this.directory = directory;
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.nanoTime = nanoTime;
  }

  /** No authentication; quotas from {@code defaults} ({@link Quota#UNSET} = unlimited). */
  public static Tenants open(Quota defaults) {
    return new Tenants(null, defaults, System::nanoTime);
  }

  /** Keys checked against {@code directory}; quotas from each user's own, else {@code defaults}. */
  public static Tenants authenticated(UserDirectory directory, Quota defaults) {
    return new Tenants(Objects.requireNonNull(directory, "directory"), defaults, System::nanoTime);
  }

  static Tenants forTest(UserDirectory directory, Quota defaults, LongSupplier nanoTime) {
    return new Tenants(directory, defaults, nanoTime);
  }

  public boolean authRequired() {
    return directory != null;
  }

  /** Who sent the request: the holder of its key, or {@link #ANYONE} when authentication is off. */
  record Caller(String user, boolean admin) {
    boolean mayActFor(String owner) {
      return admin || user.equals(owner);
    }
  }

  /** @throws EdgeException 401 when authentication is on and the request has no valid key */
  Caller authenticate(HttpServerExchange exchange) {
    if (directory == null) {
      return ANYONE;
    }
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw unauthorized("missing 'Authorization: Bearer <key>': this edge requires an API key");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthorized("the Authorization header must read 'Bearer <key>'");
    }
    Optional<UserAccount> account = directory.authenticate(header.substring(7).trim());
    if (account.isEmpty()) {
      throw unauthorized("invalid API key (unknown, removed or rotated)");
    }
    return new Caller(account.get().user(), account.get().admin());
  }

  /** @throws EdgeException 403 when the caller may not act for {@code owner}'s functions */
  void requireUser(Caller caller, String owner) {
    if (!caller.mayActFor(owner)) {
      throw new EdgeException(403, "the key of user " + caller.user() + " is not valid for user " + owner)
          .with("user", owner);
    }
  }

  /** @throws EdgeException 403 unless the caller is an admin */
  void requireAdmin(Caller caller, String what) {
    if (!caller.admin()) {
      throw new EdgeException(403, what + " needs an admin key");
    }
  }

  /** The quota that applies to {@code user}: its own values, else this edge's defaults. */
  Quota quota(String user) {
    Quota own = directory == null ? Quota.NONE : directory.account(user).map(UserAccount::quota).orElse(Quota.NONE);
    return own.orElse(defaults);
  }

  /**
   * Admits one call of {@code user}'s function, or refuses it with 429. The permit must be released once the call
   * finished (or was never sent).
   */
  Permit admit(String user) {
    Quota q = quota(user);
    if (q.callsPerSecond() != Quota.UNSET) {
      long waitNanos = buckets.computeIfAbsent(user, u -> new RateBucket()).take(q.callsPerSecond(), nanoTime.getAsLong());
      if (waitNanos > 0) {
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        throw new EdgeException(429, "user " + user + " is over its quota of " + rate(q.callsPerSecond())
            + " calls per second; retry in " + seconds + " s")
            .with("user", user)
            .with("quota", "callsPerSecond")
            .with("limit", q.callsPerSecond())
            .header("Retry-After", Long.toString(seconds));
      }
    }
    AtomicLong running = inFlight.computeIfAbsent(user, u -> new AtomicLong());
    long now = running.incrementAndGet();
    if (q.callsInFlight() != Quota.UNSET && now > q.callsInFlight()) {
      running.decrementAndGet();
      throw new EdgeException(429, "user " + user + " has " + (now - 1) + " calls in flight, its quota is "
          + q.callsInFlight() + "; retry when one finished")
          .with("user", user)
          .with("quota", "callsInFlight")
          .with("limit", q.callsInFlight())
          .header("Retry-After", "1");
    }
    return new Permit(running);
  }

  /** Calls of {@code user} admitted by this edge and not finished (for tests and metrics). */
  long inFlight(String user) {
    AtomicLong n = inFlight.get(user);
    return n == null ? 0 : n.get();
  }

  /**
   * @throws EdgeException 413 when storing {@code size} bytes as {@code function} would take {@code user} over its
   *     module storage quota (the version it replaces no longer counts)
   */
  void checkStorage(FunctionRegistry registry, String user, String function, long size) {
    long limit = quota(user).moduleBytes();
    if (limit == Quota.UNSET) {
      return;
    }
    long others = registry.list(user).stream()
        .filter(m -> !m.function().equals(function))
        .mapToLong(FunctionMeta::sizeBytes)
        .sum();
    if (others + size > limit) {
      throw new EdgeException(413, "module storage quota of user " + user + " exceeded: " + size
          + " bytes for " + function + " and " + others + " bytes in its other functions is over the quota of "
          + limit + " bytes")
          .with("user", user)
          .with("quota", "moduleBytes")
          .with("limit", limit);
    }
  }

  private static String rate(double r) {
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }

  private static EdgeException unauthorized(String message) {
    return new EdgeException(401, message).header("WWW-Authenticate", "Bearer realm=\"faasm\"");
  }

  /** One admitted call's place in its user's in-flight count; releasing twice counts once. */
  static final class Permit {
    private final AtomicLong count;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(AtomicLong count) {
      this.count = count;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        count.decrementAndGet();
      }
    }
  }

  /** A token bucket holding at most one second's worth of calls (at least one). */
  private static final class RateBucket {
    private double tokens = Double.NaN;
    private long lastNanos;

    /** Takes a token, or returns how long until one is there (and takes none). */
    synchronized long take(double perSecond, long nowNanos) {
      double capacity = Math.max(1, perSecond);
      if (Double.isNaN(tokens)) {
        tokens = capacity;
      } else {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perSecond / 1e9);
      }
      lastNanos = nowNanos;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      if (perSecond <= 0) {
        return 60_000_000_000L;
      }
      return (long) Math.ceil((1 - tokens) / perSecond * 1e9);
    }
  }
}
