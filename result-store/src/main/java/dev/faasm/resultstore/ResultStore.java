package dev.faasm.resultstore;

import dev.faasm.protocol.CallResult;
import dev.faasm.protocol.CallState;
import dev.faasm.protocol.CallStatus;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import dev.faasm.protocol.proto.ReplayReport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Call results and statuses in Redis, each kept for the configured TTL.
 *
 * <p>Keys: {@code <prefix>call:<id>:result} holds the {@link Codec}-encoded {@link CallResult}, {@code
 * <prefix>call:<id>:status} the encoded {@link CallStatus} while the call has no result. The first result written for
 * a call wins; later writes (a replayed call, a duplicate from a crashed processor) change nothing.
 *
 * <p>When a write wins and names a reply channel, the same Lua script publishes to that channel, so a {@link
 * ResultWaiter} never sees a message for a result that is not stored. A message is either the encoded result itself
 * (first byte {@code 'R'}, the codec's tag) when it is at most {@link #INLINE_PAYLOAD_LIMIT} bytes, or {@code 'I'}
 * followed by the call id, in which case the waiter reads the stored result.
 *
 * <p>Thread-safe; one instance per process is enough (a pool of {@value #POOL_SIZE} connections).
 */
public final class ResultStore implements AutoCloseable {
  /** Results larger than this travel on the reply channel as just their call id. */
  public static final int INLINE_PAYLOAD_LIMIT = 512 * 1024;

  /** Pooled connections: enough for a processor's worker threads plus an edge's request threads. */
  public static final int POOL_SIZE = 32;

  static final byte ID_MESSAGE = 'I';

  private static final Logger log = LoggerFactory.getLogger(ResultStore.class);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POOL_WAIT = Duration.ofSeconds(5);
  private static final int MGET_BATCH = 500;

  /**
   * KEYS: result, status. ARGV: encoded result, ttl ms, channel ('' = none), '1' to publish the result itself else
   * the id message. Stores the result only if none exists; only then drops the status and publishes.
   */
  private static final Script PUT_RESULT =
      new Script(
          "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then\n"
              + "  redis.call('DEL', KEYS[2])\n"
              + "  if ARGV[3] ~= '' then\n"
              + "    if ARGV[4] == '1' then\n"
              + "      redis.call('PUBLISH', ARGV[3], ARGV[1])\n"
              + "    else\n"
              + "      redis.call('PUBLISH', ARGV[3], ARGV[5])\n"
              + "    end\n"
              + "  end\n"
              + "  return 1\n"
              + "end\n"
              + "return 0\n");

  /**
   * KEYS: result, status. ARGV: encoded status, ttl ms, 'nx' to store only if no status exists. Never stores a status
   * for a call that already has a result.
   */
  /** Adds the calls to the request's set (idempotent per call id) and answers whether the set is within the limit. */
  private static final Script SPEND_BUDGET =
      new Script(
          "for i = 3, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end\n"
              + "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
              + "if redis.call('SCARD', KEYS[1]) > tonumber(ARGV[1]) then return 0 end\n"
              + "return 1");

  private static final Script PUT_STATUS =
      new Script(
          "if redis.call('EXISTS', KEYS[1]) == 1 then\n"
              + "  return 0\n"
              + "end\n"
              + "if ARGV[3] == 'nx' then\n"
              + "  if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then\n"
              + "    return 1\n"
              + "  end\n"
              + "  return 0\n"
              + "end\n"
              + "redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])\n"
              + "return 1\n");

  private final ResultStoreConfig config;
  private final HostAndPort hostAndPort;
  private final JedisClientConfig clientConfig;
  private final JedisPooled jedis;
  private final byte[] ttlMillis;
  private final byte[] epochKey;
  private final byte[] rebuiltKey;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final RedisOutages outages;

  public ResultStore(ResultStoreConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.outages = new RedisOutages(config.safeUrl(), log, System::nanoTime);
    URI uri = config.uri();
    this.hostAndPort = JedisURIHelper.getHostAndPort(uri);
    this.clientConfig =
        DefaultJedisClientConfig.builder()
            .user(JedisURIHelper.getUser(uri))
            .password(JedisURIHelper.getPassword(uri))
            .database(JedisURIHelper.getDBIndex(uri))
            .ssl(JedisURIHelper.isRedisSSLScheme(uri))
            .connectionTimeoutMillis((int) CONNECT_TIMEOUT.toMillis())
            .socketTimeoutMillis((int) SOCKET_TIMEOUT.toMillis())
            .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
            .build();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(POOL_SIZE);
    pool.setMaxIdle(POOL_SIZE);
    pool.setMinIdle(0);
    pool.setMaxWait(POOL_WAIT);
    this.jedis = new JedisPooled(hostAndPort, clientConfig, pool);
    this.ttlMillis = ascii(Long.toString(config.ttl().toMillis()));
    this.epochKey = utf8(config.keyPrefix() + "epoch");
    this.rebuiltKey = utf8(config.keyPrefix() + "epoch:rebuilt");
  }

  /**
   * First write wins: atomically stores the encoded result unless the call already has one and, only if this write
   * stored it, publishes to {@code replyChannel} (nothing is published when it is empty or null).
   *
   * @return true iff this write stored the result
   */
  public boolean putResult(CallResult result, String replyChannel) {
    Objects.requireNonNull(result, "result");
    byte[] encoded = Codec.encode(result);
    String channel = replyChannel == null ? "" : replyChannel;
    boolean inline = encoded.length <= INLINE_PAYLOAD_LIMIT;
    List<byte[]> keys = List.of(resultKeyBytes(result.callId()), statusKeyBytes(result.callId()));
    List<byte[]> args =
        List.of(encoded, ttlMillis, utf8(channel), ascii(inline ? "1" : "0"), idMessage(result.callId()));
    Object stored = call("storing the result of call " + result.callId(), () -> run(PUT_RESULT, keys, args));
    return Long.valueOf(1).equals(stored);
  }

  /**
   * Wakes whoever waits on {@code replyChannel} for this (already stored) result: for a caller that asked again after
   * the result was stored and published elsewhere (a re-sent chained call after its parent ran again on another
   * processor). Does nothing for an empty channel.
   */
  public void publish(CallResult result, String replyChannel) {
    Objects.requireNonNull(result, "result");
    if (replyChannel == null || replyChannel.isEmpty()) {
      return;
    }
    byte[] encoded = Codec.encode(result);
    byte[] message = encoded.length <= INLINE_PAYLOAD_LIMIT ? encoded : idMessage(result.callId());
    byte[] channel = utf8(replyChannel);
    call("publishing the result of call " + result.callId(), () -> jedis.publish(channel, message));
  }

  /** The stored result of a call, if it has one. */
  public Optional<CallResult> result(String callId) {
    byte[] key = resultKeyBytes(callId);
    byte[] value = call("reading the result of call " + callId, () -> jedis.get(key));
    return value == null ? Optional.empty() : Optional.of(decodeResult(callId, value));
  }

  /**
   * Stores a QUEUED or RUNNING status for the configured TTL. QUEUED is stored only when the call has no status yet
   * (it never replaces RUNNING); RUNNING replaces any status. Nothing is stored once the call has a result.
   *
   * @return true iff the status was stored
   */
  public boolean putStatus(CallStatus status) {
    Objects.requireNonNull(status, "status");
    if (status.state().isFinal()) {
      throw new IllegalArgumentException(
          "call " + status.callId() + ": a final state (" + status.state() + ") is stored with putResult");
    }
    List<byte[]> keys = List.of(resultKeyBytes(status.callId()), statusKeyBytes(status.callId()));
    List<byte[]> args =
        List.of(Codec.encode(status), ttlMillis, ascii(status.state() == CallState.QUEUED ? "nx" : "xx"));
    Object stored =
        call("storing the status of call " + status.callId(), () -> run(PUT_STATUS, keys, args));
    return Long.valueOf(1).equals(stored);
  }

  /**
   * The call's progress: derived from its result when it has one (SUCCEEDED or FAILED, so a call never looks
   * unfinished after its result exists), else its stored QUEUED/RUNNING status.
   */
  public Optional<CallStatus> status(String callId) {
    byte[] resultKey = resultKeyBytes(callId);
    byte[] statusKey = statusKeyBytes(callId);
    List<byte[]> values = call("reading the status of call " + callId, () -> jedis.mget(resultKey, statusKey));
    if (values.get(0) != null) {
      CallResult r = decodeResult(callId, values.get(0));
      return Optional.of(
          new CallStatus(
              r.callId(), r.user(), r.function(), r.state(), r.submittedAtMillis(), r.startedAtMillis(), ""));
    }
    if (values.get(1) != null) {
      try {
        return Optional.of(Codec.decodeStatus(values.get(1)));
      } catch (ProtocolException e) {
        throw new ResultStoreException(
            "corrupt status at " + config.keyPrefix() + "call:" + callId + ":status: " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  /** Whether Redis answers PING; false (never an exception) when it is unreachable. */
  public boolean ping() {
    try {
      return "PONG".equalsIgnoreCase(jedis.ping());
    } catch (JedisException e) {
      return false;
    }
  }

  /**
   * Whether the last operation reached Redis: false from the first operation that finds it unreachable until the
   * next one that succeeds ({@link #ping()} does not count). Cheap; never talks to Redis.
   */
  public boolean available() {
    return outages.available();
  }

  /** How many times Redis has become unreachable since this store was created, a current outage included. */
  public long outages() {
    return outages.outages();
  }

  /** The channel a process with this instance id listens on: {@code <keyPrefix>reply:<instanceId>}. */
  public static String replyChannel(String keyPrefix, String instanceId) {
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(instanceId, "instanceId");
    return keyPrefix + "reply:" + instanceId;
  }

  /**
   * Counts {@code callIds} (chained calls) against the budget of the request from outside {@code rootCallId}: at most
   * {@code limit} distinct calls per request. Idempotent: a call counted before (a re-run after a crash) is not counted
   * again. The count lives as long as the result TTL.
   *
   * @return true iff the request is still within its budget with these calls
   */
  public boolean spendBudget(String rootCallId, List<String> callIds, int limit) {
    Objects.requireNonNull(rootCallId, "rootCallId");
    if (callIds.isEmpty()) {
      return true;
    }
    List<byte[]> args = new java.util.ArrayList<>();
    args.add(ascii(Integer.toString(limit)));
    args.add(ttlMillis);
    callIds.forEach(id -> args.add(utf8(id)));
    List<byte[]> keys = List.of(utf8(config.keyPrefix() + "request:" + rootCallId + ":calls"));
    Object within = call("counting the calls of request " + rootCallId, () -> run(SPEND_BUDGET, keys, args));
    return Long.valueOf(1).equals(within);
  }

  /** {@link #replyChannel(String, String)} with this store's key prefix. */
  public String replyChannel(String instanceId) {
    return replyChannel(config.keyPrefix(), instanceId);
  }

  /** {@code <prefix>call:<id>:result}. */
  public String resultKey(String callId) {
    return config.keyPrefix() + "call:" + callId + ":result";
  }

  /** {@code <prefix>call:<id>:status}. */
  public String statusKey(String callId) {
    return config.keyPrefix() + "call:" + callId + ":status";
  }

  public ResultStoreConfig config() {
    return config;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      jedis.close();
    }
  }

  /**
   * Puts back a result read from the results topic (a rebuild after Redis lost its data): stored only if the call has
   * none, for what is left of its TTL, without waking anyone.
   *
   * @return true iff it was stored
   */
  public boolean restore(CallResult result, Duration ttlLeft) {
    Objects.requireNonNull(result, "result");
    if (ttlLeft.isNegative() || ttlLeft.isZero()) {
      return false;
    }
    byte[] key = resultKeyBytes(result.callId());
    byte[] value = Codec.encode(result);
    String reply =
        call("restoring the result of call " + result.callId(),
            () -> jedis.set(key, value, SetParams.setParams().nx().px(ttlLeft.toMillis())));
    return "OK".equals(reply);
  }

  /**
   * The store's epoch: a random id set once into an empty Redis. When Redis loses its data (restart without
   * persistence, flush, failover to an empty replica) the epoch is gone, and whoever notices first opens a new one;
   * processors then rebuild the results from the results topic and mark the epoch rebuilt.
   *
   * @return the current epoch, opening a new one if there is none
   */
  public String openEpoch() {
    byte[] key = epochKey;
    byte[] fresh = ascii(java.util.UUID.randomUUID().toString());
    return call("opening a result-store epoch", () -> {
      jedis.set(key, fresh, SetParams.setParams().nx());
      byte[] now = jedis.get(key);
      return now == null ? new String(fresh, StandardCharsets.US_ASCII) : new String(now, StandardCharsets.US_ASCII);
    });
  }

  /** Records that every result on the results topic has been put back for {@code epoch}. */
  public void markRebuilt(String epoch) {
    byte[] key = rebuiltKey;
    call("marking epoch " + epoch + " rebuilt", () -> jedis.set(key, ascii(epoch)));
  }

  /** The epoch whose rebuild finished, if any. */
  public Optional<String> rebuiltEpoch() {
    byte[] key = rebuiltKey;
    byte[] value = call("reading the rebuilt epoch", () -> jedis.get(key));
    return value == null ? Optional.empty() : Optional.of(new String(value, StandardCharsets.US_ASCII));
  }

  /**
   * Whether a miss here may be trusted: true once a processor has filled this Redis from the results topic (the
   * epoch is open and marked rebuilt). False while a rebuild is under way, and also when there is no epoch at all:
   * Redis has just lost its data (or is new) and no processor has noticed yet.
   */
  public boolean complete() {
    List<byte[]> values = call("reading the result-store epoch", () -> jedis.mget(epochKey, rebuiltKey));
    return values.get(0) != null && java.util.Arrays.equals(values.get(0), values.get(1));
  }

  /**
   * Stores a replay's latest report ({@code <prefix>replay:<id>}, for the result TTL): where the edge reads a replay's
   * progress. The replays topic holds the same reports durably.
   */
  public void putReplayReport(ReplayReport report) {
    setReplayReport(report, false);
  }

  /**
   * Stores a replay's first report unless one is there already (a processor may have started the replay before this
   * write): a newer report is never replaced by an older one.
   *
   * @return true iff it was stored
   */
  public boolean putReplayReportIfAbsent(ReplayReport report) {
    return setReplayReport(report, true);
  }

  private boolean setReplayReport(ReplayReport report, boolean onlyIfAbsent) {
    Objects.requireNonNull(report, "report");
    byte[] key = utf8(config.keyPrefix() + "replay:" + report.getReplayId());
    byte[] value = report.toByteArray();
    SetParams params = SetParams.setParams().px(config.ttl().toMillis());
    String reply =
        call("storing the report of replay " + report.getReplayId(),
            () -> jedis.set(key, value, onlyIfAbsent ? params.nx() : params));
    return "OK".equals(reply);
  }

  /** A replay's latest report, if there is one. */
  public Optional<ReplayReport> replayReport(String replayId) {
    byte[] key = utf8(config.keyPrefix() + "replay:" + Objects.requireNonNull(replayId, "replayId"));
    byte[] value = call("reading the report of replay " + replayId, () -> jedis.get(key));
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Codec.parse(value, "replay report", ReplayReport.parser()));
    } catch (ProtocolException e) {
      throw new ResultStoreException("corrupt replay report at " + config.keyPrefix() + "replay:" + replayId, e);
    }
  }

  /** The stored, still encoded results of those calls that have one, read in batches. */
  Map<String, byte[]> encodedResults(List<String> callIds) {
    Map<String, byte[]> found = new LinkedHashMap<>();
    for (int from = 0; from < callIds.size(); from += MGET_BATCH) {
      List<String> batch = callIds.subList(from, Math.min(callIds.size(), from + MGET_BATCH));
      byte[][] keys = batch.stream().map(this::resultKeyBytes).toArray(byte[][]::new);
      List<byte[]> values = call("reading " + batch.size() + " results", () -> jedis.mget(keys));
      for (int i = 0; i < batch.size(); i++) {
        if (values.get(i) != null) {
          found.put(batch.get(i), values.get(i));
        }
      }
    }
    return found;
  }

  CallResult decodeResult(String callId, byte[] value) {
    try {
      return Codec.decodeResult(value);
    } catch (ProtocolException e) {
      throw new ResultStoreException("corrupt result at " + resultKey(callId) + ": " + e.getMessage(), e);
    }
  }

  /** A new dedicated (unpooled) connection, e.g. for a subscriber. */
  Jedis newConnection() {
    return call("connecting", () -> new Jedis(hostAndPort, clientConfig));
  }

  /**
   * Runs a Redis operation, turning Jedis errors into this module's exceptions that name the URL and the action, and
   * tracking outages (one warning per outage, see {@link RedisOutages}).
   */
  <T> T call(String action, Supplier<T> operation) {
    T value;
    try {
      value = operation.get();
    } catch (JedisConnectionException e) {
      throw unavailable(action, e);
    } catch (JedisException e) {
      if (e.getCause() instanceof NoSuchElementException) {
        throw unavailable(action, e);
      }
      throw new ResultStoreException(
          "Redis at " + config.safeUrl() + " failed " + action + ": " + e.getMessage(), e);
    }
    outages.succeeded();
    return value;
  }

  /** Records the failure (logged once per outage) and returns the exception for the caller to throw. */
  private ResultStoreUnavailableException unavailable(String action, JedisException e) {
    outages.failed(action, e);
    return new ResultStoreUnavailableException(
        "Redis unreachable at " + config.safeUrl() + " while " + action + ": " + e.getMessage(), e);
  }

  private Object run(Script script, List<byte[]> keys, List<byte[]> args) {
    try {
      return jedis.evalsha(script.sha1, keys, args);
    } catch (JedisNoScriptException e) {
      return jedis.eval(script.source, keys, args);
    }
  }

  private byte[] resultKeyBytes(String callId) {
    return utf8(resultKey(Objects.requireNonNull(callId, "callId")));
  }

  private byte[] statusKeyBytes(String callId) {
    return utf8(statusKey(Objects.requireNonNull(callId, "callId")));
  }

  static byte[] idMessage(String callId) {
    byte[] id = utf8(callId);
    byte[] message = new byte[id.length + 1];
    message[0] = ID_MESSAGE;
    System.arraycopy(id, 0, message, 1, id.length);
    return message;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A Lua script and its SHA-1, run with EVALSHA and loaded with EVAL when Redis does not know it yet. */
  private static final class Script {
    final byte[] source;
    final byte[] sha1;

    Script(String source) {
      this.source = utf8(source);
      try {
        this.sha1 = ascii(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 unavailable", e);
      }
    }
  }
}
