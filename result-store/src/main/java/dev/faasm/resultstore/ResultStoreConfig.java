package dev.faasm.resultstore;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Where the result store lives and how long it keeps things.
 *
 * @param redisUrl {@code redis://[user:password@]host:port[/db]} (or {@code rediss://} for TLS)
 * @param ttl how long results and statuses are kept; {@code null} means {@link #DEFAULT_TTL}
 * @param keyPrefix prefix of every key and channel; {@code null} means {@link #DEFAULT_KEY_PREFIX}
 */
public record ResultStoreConfig(String redisUrl, Duration ttl, String keyPrefix) {
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  public static final String DEFAULT_KEY_PREFIX = "faasm:";

  public ResultStoreConfig {
    Objects.requireNonNull(redisUrl, "redisUrl");
    ttl = ttl == null ? DEFAULT_TTL : ttl;
    keyPrefix = keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix;
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("result store TTL must be at least 1 ms, not " + ttl);
    }
    URI uri = parse(redisUrl);
    if (!JedisURIHelper.isValid(uri) || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
      throw new IllegalArgumentException(
          "invalid Redis URL '" + redacted(redisUrl) + "': expected redis://host:port or rediss://host:port");
    }
  }

  /** The defaults: 24 h TTL, prefix {@code faasm:}. */
  public static ResultStoreConfig of(String redisUrl) {
    return new ResultStoreConfig(redisUrl, DEFAULT_TTL, DEFAULT_KEY_PREFIX);
  }

  public ResultStoreConfig withTtl(Duration ttl) {
    return new ResultStoreConfig(redisUrl, ttl, keyPrefix);
  }

  public ResultStoreConfig withKeyPrefix(String keyPrefix) {
    return new ResultStoreConfig(redisUrl, ttl, keyPrefix);
  }

  /** The parsed Redis URL. */
  public URI uri() {
    return parse(redisUrl);
  }

  /** The URL without its password, for messages and logs. */
  public String safeUrl() {
    return redacted(redisUrl);
  }

  @Override
  public String toString() {
    return "ResultStoreConfig[redisUrl=" + safeUrl() + ", ttl=" + ttl + ", keyPrefix=" + keyPrefix + "]";
  }

  private static URI parse(String url) {
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid Redis URL '" + redacted(url) + "': " + e.getReason(), e);
    }
  }

  private static String redacted(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    return url.substring(0, scheme + 3) + "***" + url.substring(at);
  }
}
