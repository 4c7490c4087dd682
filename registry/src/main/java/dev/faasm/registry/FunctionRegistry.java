package dev.faasm.registry;

import dev.faasm.protocol.Codec;
import dev.faasm.protocol.FunctionMeta;
import dev.faasm.protocol.ProtocolException;
import dev.faasm.protocol.StoredModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable function storage shared by every edge and processor, with no shared filesystem.
 *
 * <p>Module versions live in the compacted modules topic keyed by digest; the index user/function → {@link
 * FunctionMeta} lives in the compacted functions topic. A registry that runs functions ({@code keepModules}) replays
 * both topics into memory and a local disk cache: {@code <root>/modules/<digest>.wasm}, plus {@code
 * <root>/wasm/<user>/<function>/function.wasm} for the current version. One that does not (an edge) reads only the
 * function index and never fetches a module. Writes made through this instance are visible to it at once
 * (read-your-writes).
 *
 * <p>Module versions are collected: {@link #collectModules()} deletes (tombstones) every version that no function
 * points at and that lost its last function longer ago than {@link Retention#unreferencedModuleLifetime()}, so no
 * retained call can still name it. When that happened is known from the moment this registry saw the pointer move; a
 * version already unreferenced when the registry started counts from the start, which can delay a deletion but never
 * make it early.
 *
 * <p>Records that cannot be decoded go to the dead-letter topic with the reason.
 */
public final class FunctionRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FunctionRegistry.class);
  private static final long MEMORY_CACHE_BYTES = 256L * 1024 * 1024;
  private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(30);
  private static final int RECENTLY_APPLIED = 10_000;

  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private volatile Consumer<StoredModule> moduleArrivals = m -> {};
  private final DeadLetters deadLetters;
  private final Path root;
  private final boolean keepModules;
  private final Clock clock;
  private final long startedAtMillis;
  private final Map<String, FunctionMeta> functions = new ConcurrentHashMap<>();
  /** Digests on the modules topic (only when modules are kept) → when they lost their last function, or null. */
  private final Map<String, Long> storedModules = new ConcurrentHashMap<>();
  private final Map<String, Long> unreferencedSince = new ConcurrentHashMap<>();
  private final Object moduleArrival = new Object();
  /** Who waits for which module without a thread ({@link #moduleAsync}); guarded by {@code moduleArrival}. */
  private final Map<String, List<CompletableFuture<Optional<byte[]>>>> moduleWaiters = new HashMap<>();
  private final Map<String, byte[]> memoryCache = new LinkedHashMap<>(16, 0.75f, true);
  private long memoryCacheBytes;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  /** Publishers waiting for their function record to be read back, and records read back before anyone asked. */
  private final Map<Position, CompletableFuture<Published>> readBacks = new HashMap<>();
  private final Map<Position, Published> recentlyApplied = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Position, Published> eldest) {
      return size() > RECENTLY_APPLIED;
    }
  };
  private final Thread reader;
  private volatile boolean closed;

  /**
   * @param root local cache directory ($FUNC_ROOT); module bytes are read and kept only when {@code keepModules}
   */
  public FunctionRegistry(KafkaSettings kafka, Topics topics, Path root, boolean keepModules, String clientId) {
    this(kafka, topics, root, keepModules, clientId, Clock.systemUTC());
  }

  public FunctionRegistry(
      KafkaSettings kafka, Topics topics, Path root, boolean keepModules, String clientId, Clock clock) {
    this.topics = topics;
    this.root = root;
    this.keepModules = keepModules;
    this.clock = clock;
    this.startedAtMillis = clock.millis();
    this.producer = kafka.producer(clientId + "-functions-producer");
    this.deadLetters = new DeadLetters(producer, topics.deadLetters(), clientId + "-function-registry", clock);
    Map<String, Object> props = kafka.consumerProps(clientId + "-functions-reader");
    if (keepModules) {
      props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MODULE_MESSAGE_BYTES);
      props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MAX_MODULE_MESSAGE_BYTES);
    }
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.reader = new Thread(this::readLoop, clientId + "-function-registry");
    this.reader.setDaemon(true);
  }

  public FunctionRegistry start() {
    reader.start();
    return this;
  }

  /** Completes once everything stored when this registry started has been read. */
  public CompletableFuture<Void> caughtUp() {
    return caughtUp;
  }

  /** Whether this registry reads and keeps module bytes (a processor) or only the function index (an edge). */
  public boolean keepsModules() {
    return keepModules;
  }

  public Optional<FunctionMeta> lookup(String user, String function) {
    return Optional.ofNullable(functions.get(user + "/" + function));
  }

  /** The digest of user/function's current version, if it exists. */
  public Optional<String> currentDigest(String user, String function) {
    return lookup(user, function).map(FunctionMeta::digest);
  }

  public List<FunctionMeta> list(String user) {
    List<FunctionMeta> out = new ArrayList<>();
    for (FunctionMeta meta : functions.values()) {
      if (meta.user().equals(user)) {
        out.add(meta);
      }
    }
    out.sort(Comparator.comparing(FunctionMeta::function));
    return out;
  }

  /** What storing a function did, as decided by its record's place on the functions topic. */
  public record Published(FunctionMeta meta, boolean created) {}

  /**
   * Stores the module (by digest) then points user/function at it; completes with the stored function when both are
   * durable and this registry has read the function's record back. See {@link #publishFunction}.
   */
  public CompletableFuture<FunctionMeta> publish(FunctionMeta meta, byte[] wasm) {
    return publishFunction(meta, wasm).thenApply(Published::meta);
  }

  /**
   * Stores the module (by digest) then points user/function at it, and completes once this registry has read that
   * record back from the functions topic: the topic's order (one partition per name) decides. The upload is
   * {@code created} when the name had no function just before its record, else it replaced one; its {@code uploadedAt}
   * is its own time, or one millisecond after the version it replaced if that is later, so the last accepted upload
   * of a name is always the newest, on every edge and processor. The second send is made from a pool thread, never
   * from the producer's callback (network) thread, where a send that needs metadata would wait for the very thread
   * that fetches it.
   */
  public CompletableFuture<Published> publishFunction(FunctionMeta meta, byte[] wasm) {
    return publishFunction(meta, wasm, Optional.empty());
  }

  /**
   * {@link #publishFunction(FunctionMeta, byte[])} with the module's compiled classes in its record, so that
   * processors load it without compiling; left out when the record would be too large with them.
   */
  public CompletableFuture<Published> publishFunction(
      FunctionMeta meta, byte[] wasm, Optional<StoredModule.Compiled> compiled) {
    byte[] record = Codec.encode(new StoredModule(meta.digest(), wasm, clock.millis(), compiled));
    if (record.length > Topics.MAX_MODULE_MESSAGE_BYTES - 64 * 1024) {
      record = Codec.encode(new StoredModule(meta.digest(), wasm, clock.millis()));
    }
    return send(topics.modules(), meta.digest(), record)
        .thenComposeAsync(
            v -> {
              rememberModule(meta.digest(), wasm);
              return send(topics.functions(), meta.key(), Codec.encode(meta));
            },
            ForkJoinPool.commonPool())
        .thenCompose(this::readBack);
  }

  /**
   * Who hears of each module version that arrives on the modules topic once this registry has caught up (an upload,
   * not the history read at start), on the reader thread: the listener must not block. Only for a registry that keeps
   * modules.
   */
  public void onModuleArrival(Consumer<StoredModule> listener) {
    this.moduleArrivals = Objects.requireNonNull(listener, "listener");
  }

  private void announce(StoredModule module) {
    try {
      moduleArrivals.accept(module);
    } catch (RuntimeException e) {
      log.warn("module arrival listener failed for {}", module.digest(), e);
    }
  }

  /** Where a function record landed on the functions topic. */
  private record Position(int partition, long offset) {}

  /** Completes when the reader has applied the record at {@code md}, with what applying it did. */
  private CompletableFuture<Published> readBack(RecordMetadata md) {
    Position at = new Position(md.partition(), md.offset());
    CompletableFuture<Published> applied = new CompletableFuture<>();
    synchronized (readBacks) {
      Published done = recentlyApplied.remove(at);
      if (done == null) {
        readBacks.put(at, applied);
      } else {
        applied.complete(done);
      }
    }
    return applied.orTimeout(READ_BACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((p, e) -> {
          if (e != null) {
            synchronized (readBacks) {
              readBacks.remove(at);
            }
          }
        });
  }

  /** Hands what applying the record at {@code at} did to whoever published it (now or when they ask). */
  private void settle(Position at, Published published) {
    CompletableFuture<Published> waiting;
    synchronized (readBacks) {
      waiting = readBacks.remove(at);
      if (waiting == null) {
        recentlyApplied.put(at, published);
      }
    }
    if (waiting != null) {
      waiting.complete(published);
    }
  }

  private CompletableFuture<RecordMetadata> send(String topic, String key, byte[] value) {
    CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
    try {
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (md, error) -> {
            if (error != null) {
              done.completeExceptionally(error);
            } else {
              done.complete(md);
            }
          });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /**
   * Removes user/function from the index; its module stays fetchable by digest until it is collected. Completes once
   * the tombstone is durable and read back.
   */
  public CompletableFuture<Void> delete(String user, String function) {
    String key = user + "/" + function;
    return send(topics.functions(), key, null).thenCompose(this::readBack).thenApply(p -> null);
  }

  /**
   * The module with this digest, waiting up to {@code maxWait} for it to arrive from the modules topic. Blocks: call it
   * from a worker thread only.
   *
   * @throws IllegalStateException on a registry that does not keep modules
   */
  public Optional<byte[]> module(String digest, Duration maxWait) throws InterruptedException {
    if (!keepModules) {
      throw new IllegalStateException("this function registry keeps only the index, not module " + digest);
    }
    byte[] cached = loadModule(digest);
    if (cached != null) {
      return Optional.of(cached);
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    synchronized (moduleArrival) {
      while (true) {
        byte[] bytes = loadModule(digest);
        if (bytes != null) {
          return Optional.of(bytes);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        TimeUnit.NANOSECONDS.timedWait(moduleArrival, left);
      }
    }
  }

  /**
   * The module's bytes, as {@link #module(String, Duration)}, without holding a thread while it waits: the future
   * completes on {@code executor} when the module arrives from the modules topic, or empty after {@code maxWait}.
   */
  public CompletableFuture<Optional<byte[]>> moduleAsync(String digest, Duration maxWait, Executor executor) {
    if (!keepModules) {
      throw new IllegalStateException("this function registry keeps only the index, not module " + digest);
    }
    byte[] cached = loadModule(digest);
    if (cached != null) {
      return CompletableFuture.completedFuture(Optional.of(cached)); // every call but the first: no lock taken
    }
    CompletableFuture<Optional<byte[]>> waiting = new CompletableFuture<>();
    synchronized (moduleArrival) {
      byte[] bytes = loadModule(digest);
      if (bytes != null) {
        return CompletableFuture.completedFuture(Optional.of(bytes));
      }
      moduleWaiters.computeIfAbsent(digest, d -> new ArrayList<>()).add(waiting);
    }
    CompletableFuture.delayedExecutor(maxWait.toNanos(), TimeUnit.NANOSECONDS, executor).execute(() -> {
      synchronized (moduleArrival) {
        List<CompletableFuture<Optional<byte[]>>> list = moduleWaiters.get(digest);
        if (list != null && list.remove(waiting) && list.isEmpty()) {
          moduleWaiters.remove(digest);
        }
      }
      waiting.complete(Optional.empty());
    });
    return waiting.thenApplyAsync(found -> found, executor);
  }

  /**
   * The module if this registry holds it in memory right now, without touching the disk or waiting: for a caller that
   * must not block (a stream thread), which otherwise takes {@link #moduleAsync}.
   */
  public Optional<byte[]> moduleInMemory(String digest) {
    if (!keepModules) {
      return Optional.empty();
    }
    synchronized (memoryCache) {
      return Optional.ofNullable(memoryCache.get(digest));
    }
  }

  /** Digests of the module versions on the modules topic (empty on a registry that does not keep modules). */
  public Set<String> storedModules() {
    return Set.copyOf(storedModules.keySet());
  }

  /**
   * Deletes every module version that no function points at and that has been unreferenced for longer than {@link
   * Retention#unreferencedModuleLifetime()}: a tombstone on the modules topic, and the local copies. Safe to run on
   * several processors at once (a version is deleted at most once more). Blocks until the tombstones are durable.
   *
   * @return the digests deleted
   */
  public List<String> collectModules() throws InterruptedException {
    if (!keepModules) {
      return List.of();
    }
    long cutoff = clock.millis() - topics.retention().unreferencedModuleLifetime().toMillis();
    Set<String> referenced = new HashSet<>();
    functions.values().forEach(f -> referenced.add(f.digest()));
    List<String> doomed = new ArrayList<>();
    for (String digest : storedModules.keySet()) {
      Long since = unreferencedSince.get(digest);
      if (!referenced.contains(digest) && since != null && since <= cutoff) {
        doomed.add(digest);
      }
    }
    List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
    for (String digest : doomed) {
      sends.add(send(topics.modules(), digest, null));
    }
    try {
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.warn("cannot delete unreferenced module versions {}: {}", doomed, e.toString());
      return List.of();
    }
    for (String digest : doomed) {
      forgetModule(digest);
      log.info("deleted module version {}: no function points at it and no retained call names it", digest);
    }
    return doomed;
  }

  private byte[] loadModule(String digest) {
    synchronized (memoryCache) {
      byte[] cached = memoryCache.get(digest);
      if (cached != null) {
        return cached;
      }
    }
    Path file = modulePath(digest);
    if (Files.isRegularFile(file)) {
      try {
        byte[] bytes = Files.readAllBytes(file);
        cacheInMemory(digest, bytes);
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read cached module " + file, e);
      }
    }
    return null;
  }

  private void rememberModule(String digest, byte[] wasm) {
    if (!keepModules) {
      return;
    }
    if (storedModules.putIfAbsent(digest, clock.millis()) == null && !isReferenced(digest)) {
      unreferencedSince.putIfAbsent(digest, Math.max(startedAtMillis, clock.millis()));
    }
    cacheInMemory(digest, wasm);
    Path file = modulePath(digest);
    try {
      if (!Files.isRegularFile(file)) {
        writeAtomically(file, wasm);
      }
    } catch (IOException e) {
      log.warn("cannot cache module {} on disk", digest, e);
    }
    List<CompletableFuture<Optional<byte[]>>> arrived;
    synchronized (moduleArrival) {
      moduleArrival.notifyAll();
      arrived = moduleWaiters.remove(digest);
    }
    if (arrived != null) {
      // Completed here, continued on each waiter's executor (moduleAsync), not on this consumer's thread.
      arrived.forEach(f -> f.complete(Optional.of(wasm)));
    }
  }

  private void forgetModule(String digest) {
    storedModules.remove(digest);
    unreferencedSince.remove(digest);
    synchronized (memoryCache) {
      byte[] gone = memoryCache.remove(digest);
      if (gone != null) {
        memoryCacheBytes -= gone.length;
      }
    }
    try {
      Files.deleteIfExists(modulePath(digest));
    } catch (IOException e) {
      log.warn("cannot delete the cached copy of module {}", digest, e);
    }
  }

  private boolean isReferenced(String digest) {
    for (FunctionMeta f : functions.values()) {
      if (f.digest().equals(digest)) {
        return true;
      }
    }
    return false;
  }

  private void cacheInMemory(String digest, byte[] bytes) {
    synchronized (memoryCache) {
      if (memoryCache.put(digest, bytes) == null) {
        memoryCacheBytes += bytes.length;
      }
      var it = memoryCache.entrySet().iterator();
      while (memoryCacheBytes > MEMORY_CACHE_BYTES && it.hasNext()) {
        var eldest = it.next();
        if (eldest.getKey().equals(digest)) {
          break;
        }
        memoryCacheBytes -= eldest.getValue().length;
        it.remove();
      }
    }
  }

  /**
   * Applies a function record (null = deleted) seen at {@code atMillis}, in the functions topic's order: the last
   * record of a name wins, and its uploadedAt is made later than the version it replaces.
   */
  private synchronized Published applyFunction(String key, FunctionMeta meta, long atMillis) {
    FunctionMeta before = functions.get(key);
    FunctionMeta applied = null;
    if (meta == null) {
      functions.remove(key);
    } else {
      applied = before == null || meta.uploadedAtMillis() > before.uploadedAtMillis()
          ? meta
          : new FunctionMeta(meta.user(), meta.function(), meta.digest(), meta.sizeBytes(),
              before.uploadedAtMillis() + 1);
      functions.put(key, applied);
      unreferencedSince.remove(applied.digest());
    }
    FunctionMeta after = functions.get(key);
    if (before != null && (after == null || !after.digest().equals(before.digest())) && !isReferenced(before.digest())) {
      unreferencedSince.putIfAbsent(before.digest(), Math.max(startedAtMillis, atMillis));
    }
    if (keepModules && after != null) {
      Path current = root.resolve("wasm").resolve(after.user()).resolve(after.function()).resolve("function.wasm");
      Path module = modulePath(after.digest());
      try {
        if (Files.isRegularFile(module)) {
          writeAtomically(current, Files.readAllBytes(module));
        }
      } catch (IOException e) {
        log.warn("cannot write {}", current, e);
      }
    }
    return new Published(applied, before == null);
  }

  private Path modulePath(String digest) {
    return root.resolve("modules").resolve(digest + ".wasm");
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), ".module", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void readLoop() {
    try {
      List<TopicPartition> parts = new ArrayList<>();
      List<String> read = keepModules ? List.of(topics.modules(), topics.functions()) : List.of(topics.functions());
      for (String topic : read) {
        consumer.partitionsFor(topic, Duration.ofSeconds(60))
            .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts));
      while (!closed) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          apply(rec);
        }
        if (!caughtUp.isDone()) {
          ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
          if (ends.isEmpty()) {
            caughtUp.complete(null);
            log.info("function registry loaded {} functions{}", functions.size(),
                keepModules ? " and " + storedModules.size() + " module versions" : "");
          }
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        caughtUp.completeExceptionally(e);
      }
    } catch (RuntimeException e) {
      log.error("function registry reader stopped", e);
      caughtUp.completeExceptionally(e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void apply(ConsumerRecord<String, byte[]> rec) {
    if (rec.key() == null) {
      deadLetters.send(rec.topic(), rec.partition(), rec.offset(), null, rec.value(), "record without a key");
      return;
    }
    try {
      if (rec.topic().equals(topics.modules())) {
        if (rec.value() == null) {
          forgetModule(rec.key());
        } else {
          StoredModule m = Codec.decodeModule(rec.key(), rec.value());
          rememberModule(m.digest(), m.wasm());
          if (keepModules && caughtUp.isDone()) {
            announce(m);
          }
        }
        return;
      }
      Published published =
          applyFunction(rec.key(), rec.value() == null ? null : Codec.decodeFunction(rec.value()), rec.timestamp());
      settle(new Position(rec.partition(), rec.offset()), published);
    } catch (ProtocolException e) {
      deadLetters.send(rec.topic(), rec.partition(), rec.offset(), rec.key(), rec.value(), e.getMessage());
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    consumer.wakeup();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
