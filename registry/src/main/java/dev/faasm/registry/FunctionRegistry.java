package dev.faasm.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable function storage shared by every edge and processor, with no shared filesystem.
 *
 * <p>Module bytes live in the compacted modules topic keyed by digest; the index user/function → {@link FunctionMeta}
 * lives in the compacted functions topic. Each process replays both topics into memory and (when it runs functions)
 * into a local disk cache: {@code <root>/modules/<digest>.wasm}, plus {@code <root>/wasm/<user>/<function>/function.wasm}
 * for the current version. Writes made through this instance are visible to it at once (read-your-writes).
 */
public final class FunctionRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FunctionRegistry.class);
  private static final long MEMORY_CACHE_BYTES = 256L * 1024 * 1024;

  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Path root;
  private final boolean keepModules;
  private final Map<String, FunctionMeta> functions = new ConcurrentHashMap<>();
  private final Object moduleArrival = new Object();
  private final Map<String, byte[]> memoryCache = new LinkedHashMap<>(16, 0.75f, true);
  private long memoryCacheBytes;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final Thread reader;
  private volatile boolean closed;

  /**
   * @param root local cache directory ($FUNC_ROOT); module bytes are kept only when {@code keepModules}
   */
  public FunctionRegistry(KafkaSettings kafka, Topics topics, Path root, boolean keepModules, String clientId) {
    this.topics = topics;
    this.root = root;
    this.keepModules = keepModules;
    this.producer = kafka.producer(clientId + "-functions-producer");
    Map<String, Object> props = kafka.consumerProps(clientId + "-functions-reader");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MODULE_MESSAGE_BYTES);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MAX_MODULE_MESSAGE_BYTES);
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

  public Optional<FunctionMeta> lookup(String user, String function) {
    return Optional.ofNullable(functions.get(user + "/" + function));
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

  /**
   * Stores the module (by digest) then points user/function at it; completes when both are durable. The second send
   * is made from a pool thread, never from the producer's callback (network) thread, where a send that needs metadata
   * would wait for the very thread that fetches it.
   */
  public CompletableFuture<FunctionMeta> publish(FunctionMeta meta, byte[] wasm) {
    return send(topics.modules(), meta.digest(), wasm)
        .thenComposeAsync(
            v -> {
              rememberModule(meta.digest(), wasm);
              return send(topics.functions(), meta.key(), Codec.encode(meta));
            },
            ForkJoinPool.commonPool())
        .thenApplyAsync(
            v -> {
              applyFunction(meta.key(), meta);
              return meta;
            },
            ForkJoinPool.commonPool());
  }

  private CompletableFuture<Void> send(String topic, String key, byte[] value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (md, error) -> {
          if (error != null) {
            done.completeExceptionally(error);
          } else {
            done.complete(null);
          }
        });
    return done;
  }

  /** Removes user/function from the index; its module stays fetchable by digest. */
  public CompletableFuture<Void> delete(String user, String function) {
    String key = user + "/" + function;
    return send(topics.functions(), key, null).thenRun(() -> applyFunction(key, null));
  }

  /**
   * The module with this digest, waiting up to {@code maxWait} for it to arrive from the modules topic. Blocks: call it
   * from a worker thread only.
   */
  public Optional<byte[]> module(String digest, Duration maxWait) throws InterruptedException {
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

  private byte[] loadModule(String digest) {
    synchronized (memoryCache) {
      byte[] cached = memoryCache.get(digest);
      if (cached != null) {
        return cached;
      }
    }
    Path file = modulePath(digest);
    if (keepModules && Files.isRegularFile(file)) {
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
    cacheInMemory(digest, wasm);
    Path file = modulePath(digest);
    try {
      if (!Files.isRegularFile(file)) {
        writeAtomically(file, wasm);
      }
    } catch (IOException e) {
      log.warn("cannot cache module {} on disk", digest, e);
    }
    synchronized (moduleArrival) {
      moduleArrival.notifyAll();
    }
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

  private void applyFunction(String key, FunctionMeta meta) {
    if (meta == null) {
      functions.remove(key);
      return;
    }
    functions.merge(key, meta, (old, now) -> now.uploadedAtMillis() >= old.uploadedAtMillis() ? now : old);
    if (keepModules) {
      Path current = root.resolve("wasm").resolve(meta.user()).resolve(meta.function()).resolve("function.wasm");
      Path module = modulePath(meta.digest());
      try {
        if (Files.isRegularFile(module)) {
          writeAtomically(current, Files.readAllBytes(module));
        }
      } catch (IOException e) {
        log.warn("cannot write {}", current, e);
      }
    }
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
      for (String topic : List.of(topics.modules(), topics.functions())) {
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
            log.info("function registry loaded {} functions", functions.size());
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
      return;
    }
    if (rec.topic().equals(topics.modules())) {
      if (rec.value() != null) {
        rememberModule(rec.key(), rec.value());
      }
      return;
    }
    try {
      applyFunction(rec.key(), rec.value() == null ? null : Codec.decodeFunction(rec.value()));
    } catch (ProtocolException e) {
      log.warn("skipping corrupt function record {} at offset {}", rec.key(), rec.offset(), e);
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
