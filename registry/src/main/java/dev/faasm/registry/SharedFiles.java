package dev.faasm.registry;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.faasm.protocol.Codec;
import dev.faasm.protocol.ProtocolException;
import dev.faasm.protocol.SharedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' shared files, stored durably like modules, with no shared filesystem: each file is a record of the compacted
 * files topic (key {@code user/path}; a tombstone deletes it). Every instance replays the topic into one in-memory
 * tree per user, which the user's functions see read-only at {@code /share} ({@link #root}). Writes made through this
 * instance are visible to it at once; other instances see them once they read the record.
 *
 * <p>Bounded: a file holds at most {@link #MAX_FILE_BYTES}, a user at most {@link #MAX_USER_BYTES} in all.
 */
public final class SharedFiles implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedFiles.class);

  /** Largest file. */
  public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

  /** Largest total size of one user's files. */
  public static final long MAX_USER_BYTES = 64L * 1024 * 1024;

  /** One stored file, as listed. */
  public record Entry(String path, long size, long storedAtMillis) {}

  /** A write this store refuses, with the reason; the caller's request was wrong. */
  public static final class RejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean tooLarge;

    RejectedException(String message, boolean tooLarge) {
      super(message);
      this.tooLarge = tooLarge;
    }

    /** Whether the file or the user's total would be too large (else the path is invalid). */
    public boolean tooLarge() {
      return tooLarge;
    }
  }

  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final DeadLetters deadLetters;
  private final Clock clock;
  private final Map<String, UserTree> users = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final Thread reader;
  private volatile boolean closed;

  /** One user's files: their listing and an in-memory tree with their contents. */
  private static final class UserTree {
    final FileSystem fs =
        Jimfs.newFileSystem(
            Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix", "unix")
                .setWorkingDirectory("/")
                .build());
    final NavigableMap<String, Entry> entries = new ConcurrentSkipListMap<>();
    long bytes;

    Path path(String relative) {
      return fs.getPath("/").resolve(relative);
    }
  }

  public SharedFiles(KafkaSettings kafka, Topics topics, String clientId) {
    this(kafka, topics, clientId, Clock.systemUTC());
  }

  public SharedFiles(KafkaSettings kafka, Topics topics, String clientId, Clock clock) {
    this.topics = topics;
    this.clock = clock;
    this.producer = kafka.producer(clientId + "-files-producer");
    this.deadLetters = new DeadLetters(producer, topics.deadLetters(), clientId + "-shared-files", clock);
    Map<String, Object> props = kafka.consumerProps(clientId + "-files-reader");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_CALL_MESSAGE_BYTES);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MAX_CALL_MESSAGE_BYTES);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.reader = new Thread(this::readLoop, clientId + "-shared-files");
    this.reader.setDaemon(true);
  }

  public SharedFiles start() {
    reader.start();
    return this;
  }

  /** Completes once every file stored when this instance started has been read. */
  public CompletableFuture<Void> caughtUp() {
    return caughtUp;
  }

  /**
   * Stores a file (replacing any at that path) durably; completes once the record is acknowledged.
   *
   * @throws RejectedException if the path is invalid or a size limit would be broken
   */
  public CompletableFuture<Entry> put(String user, String path, byte[] data) {
    String problem = SharedFile.checkPath(path);
    if (problem != null) {
      throw new RejectedException(problem, false);
    }
    if (data.length > MAX_FILE_BYTES) {
      throw new RejectedException("file of " + data.length + " bytes exceeds the limit of " + MAX_FILE_BYTES
          + " bytes", true);
    }
    UserTree tree = users.get(user);
    if (tree != null) {
      synchronized (tree) {
        Entry old = tree.entries.get(path);
        long total = tree.bytes - (old == null ? 0 : old.size()) + data.length;
        if (total > MAX_USER_BYTES) {
          throw new RejectedException("user " + user + "'s files would take " + total + " bytes, over the limit of "
              + MAX_USER_BYTES + " bytes", true);
        }
      }
    }
    SharedFile file = new SharedFile(user, path, data, clock.millis());
    return send(file.key(), Codec.encode(file)).thenApply(v -> apply(file));
  }

  /** Deletes a file durably (a tombstone); completes once acknowledged. */
  public CompletableFuture<Void> delete(String user, String path) {
    String key = SharedFile.key(user, path);
    return send(key, null).thenRun(() -> remove(user, path));
  }

  /** The user's files, sorted by path. */
  public List<Entry> list(String user) {
    UserTree tree = users.get(user);
    return tree == null ? List.of() : List.copyOf(tree.entries.values());
  }

  /** A file's listing entry, if it exists. */
  public Optional<Entry> entry(String user, String path) {
    UserTree tree = users.get(user);
    return tree == null ? Optional.empty() : Optional.ofNullable(tree.entries.get(path));
  }

  /** A file's contents, if it exists. */
  public Optional<byte[]> read(String user, String path) {
    UserTree tree = users.get(user);
    if (tree == null || SharedFile.checkPath(path) != null || !tree.entries.containsKey(path)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(tree.path(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The root of the user's file tree (to be mounted read-only), if the user has any file. */
  public Optional<Path> root(String user) {
    UserTree tree = users.get(user);
    return tree == null ? Optional.empty() : Optional.of(tree.fs.getPath("/"));
  }

  private Entry apply(SharedFile file) {
    UserTree tree = users.computeIfAbsent(file.user(), u -> new UserTree());
    Entry entry = new Entry(file.path(), file.data().length, file.storedAtMillis());
    synchronized (tree) {
      Entry old = tree.entries.get(file.path());
      if (old != null && old.storedAtMillis() > file.storedAtMillis()) {
        return old; // a newer version was applied already (our own write, read back from the topic)
      }
      try {
        Path p = tree.path(file.path());
        if (p.getParent() != null) {
          removeFileOnPath(tree, p.getParent());
          Files.createDirectories(p.getParent());
        }
        if (Files.isDirectory(p)) {
          log.warn("shared file {} of {} replaces a directory of files", file.path(), file.user());
          return old;
        }
        Files.write(p, file.data());
      } catch (IOException e) {
        log.warn("cannot store shared file {} of {} in memory", file.path(), file.user(), e);
        return old;
      }
      tree.bytes += entry.size() - (old == null ? 0 : old.size());
      tree.entries.put(file.path(), entry);
    }
    return entry;
  }

  /** A file where a directory is needed ({@code a} when {@code a/b} arrives) gives way to the directory. */
  private static void removeFileOnPath(UserTree tree, Path directory) throws IOException {
    for (Path p = directory; p != null && p.getFileName() != null; p = p.getParent()) {
      if (Files.isRegularFile(p)) {
        String relative = tree.fs.getPath("/").relativize(p).toString();
        Entry gone = tree.entries.remove(relative);
        tree.bytes -= gone == null ? 0 : gone.size();
        Files.delete(p);
      }
    }
  }

  private void remove(String user, String path) {
    UserTree tree = users.get(user);
    if (tree == null || SharedFile.checkPath(path) != null) {
      return;
    }
    synchronized (tree) {
      Entry old = tree.entries.remove(path);
      if (old == null) {
        return;
      }
      tree.bytes -= old.size();
      try {
        Path p = tree.path(path);
        Files.deleteIfExists(p);
        // drop directories left empty
        for (Path dir = p.getParent(); dir != null && dir.getFileName() != null; dir = dir.getParent()) {
          try (var children = Files.list(dir)) {
            if (children.findAny().isPresent()) {
              break;
            }
          }
          Files.delete(dir);
        }
      } catch (IOException e) {
        log.warn("cannot delete shared file {} of {} in memory", path, user, e);
      }
    }
  }

  private CompletableFuture<Void> send(String key, byte[] value) {
    return CompactedTopics.send(producer, topics.files(), key, value);
  }

  private void readLoop() {
    CompactedTopics.follow(consumer, topics.files(), () -> closed, this::applyRecord, caughtUp,
        () -> log.info("shared files loaded for {} users", users.size()), log);
  }


  private void applyRecord(ConsumerRecord<String, byte[]> rec) {
    String key = rec.key();
    int slash = key == null ? -1 : key.indexOf('/');
    if (slash <= 0) {
      deadLetters.send(rec.topic(), rec.partition(), rec.offset(), null, rec.value(), "record without a user/path key");
      return;
    }
    if (rec.value() == null) {
      remove(key.substring(0, slash), key.substring(slash + 1));
      return;
    }
    try {
      apply(Codec.decodeSharedFile(rec.value()));
    } catch (ProtocolException e) {
      deadLetters.send(rec.topic(), rec.partition(), rec.offset(), key, rec.value(), e.getMessage());
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
    for (UserTree tree : users.values()) {
      try {
        tree.fs.close();
      } catch (IOException e) {
        log.warn("cannot close a shared files tree", e);
      }
    }
  }
}
