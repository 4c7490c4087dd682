package dev.faasm.registry;

import dev.faasm.protocol.ProtocolException;
import dev.faasm.protocol.Quota;
import dev.faasm.protocol.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's users and the salted hashes of their API keys, kept in the compacted users topic and read into memory
 * by every edge: a key made, rotated or removed anywhere is seen by every edge within a poll (half a second) of the
 * broker acknowledging it. Writes made through this instance are visible to it at once.
 *
 * <p>Keys are checked in memory ({@link #authenticate}): no request waits for Kafka. Records that cannot be decoded go
 * to the dead-letter topic with the reason, and the user they were about keeps its previous record.
 */
public final class UserDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);

  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final DeadLetters deadLetters;
  private final Clock clock;
  private final Map<String, UserAccount> users = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final Thread reader;
  private volatile boolean closed;

  public UserDirectory(KafkaSettings kafka, Topics topics, String clientId) {
    this(kafka, topics, clientId, Clock.systemUTC());
  }

  public UserDirectory(KafkaSettings kafka, Topics topics, String clientId, Clock clock) {
    this.topics = topics;
    this.clock = clock;
    this.producer = kafka.producer(clientId + "-users-producer");
    this.deadLetters = new DeadLetters(producer, topics.deadLetters(), clientId + "-user-directory", clock);
    this.consumer = new KafkaConsumer<>(
        kafka.consumerProps(clientId + "-users-reader"), new StringDeserializer(), new ByteArrayDeserializer());
    this.reader = new Thread(this::readLoop, clientId + "-user-directory");
    this.reader.setDaemon(true);
  }

  public UserDirectory start() {
    reader.start();
    return this;
  }

  /** Completes once every user stored when this directory started has been read. */
  public CompletableFuture<Void> caughtUp() {
    return caughtUp;
  }

  /** Who holds this key, if it is some user's current key. Never blocks. */
  public Optional<UserAccount> authenticate(String key) {
    return UserAccount.userOf(key).map(users::get).filter(account -> account.accepts(key));
  }

  public Optional<UserAccount> account(String user) {
    return Optional.ofNullable(users.get(user));
  }

  /** Every user, by name. */
  public List<UserAccount> list() {
    List<UserAccount> out = new ArrayList<>(users.values());
    out.sort(Comparator.comparing(UserAccount::user));
    return out;
  }

  /**
   * Adds a user with a fresh key; completes with the key once the record is durable.
   *
   * @throws IllegalArgumentException when the user exists already (rotate its key instead)
   */
  public CompletableFuture<String> add(String user, boolean admin, Quota quota) {
    if (users.containsKey(user)) {
      throw new IllegalArgumentException("user " + user + " exists already; 'faasm users rotate " + user
          + "' makes it a new key");
    }
    long now = clock.millis();
    UserAccount.WithKey made = UserAccount.newKey(user, now, now, admin, quota);
    return store(made.account()).thenApply(v -> made.key());
  }

  /** Replaces the user's key with a fresh one (the old one stops working); completes with the new key. */
  public CompletableFuture<String> rotate(String user) {
    UserAccount old = require(user);
    UserAccount.WithKey made =
        UserAccount.newKey(user, old.createdAtMillis(), clock.millis(), old.admin(), old.quota());
    return store(made.account()).thenApply(v -> made.key());
  }

  /** Sets the user's own quota ({@link Quota#UNSET} values follow the edge's defaults). */
  public CompletableFuture<UserAccount> setQuota(String user, Quota quota) {
    UserAccount changed = require(user).withQuota(quota);
    return store(changed).thenApply(v -> changed);
  }

  /** Removes the user and its key. Its functions and calls stay. */
  public CompletableFuture<Void> remove(String user) {
    require(user);
    return send(user, null).thenRun(() -> users.remove(user));
  }

  private UserAccount require(String user) {
    UserAccount a = users.get(user);
    if (a == null) {
      throw new IllegalArgumentException("no user " + user);
    }
    return a;
  }

  private CompletableFuture<Void> store(UserAccount account) {
    return send(account.user(), account.encode()).thenRun(() -> users.put(account.user(), account));
  }

  private CompletableFuture<Void> send(String key, byte[] value) {
    return CompactedTopics.send(producer, topics.users(), key, value);
  }

  private void readLoop() {
    CompactedTopics.follow(consumer, topics.users(), () -> closed, this::apply, caughtUp,
        () -> log.info("user directory loaded {} users", users.size()), log);
  }


  private void apply(ConsumerRecord<String, byte[]> rec) {
    if (rec.key() == null) {
      deadLetters.send(rec.topic(), rec.partition(), rec.offset(), null, rec.value(), "record without a key");
      return;
    }
    if (rec.value() == null) {
      users.remove(rec.key());
      return;
    }
    try {
      UserAccount account = UserAccount.decode(rec.value());
      if (!account.user().equals(rec.key())) {
        throw new ProtocolException("user record for " + account.user() + " under the key " + rec.key());
      }
      users.put(rec.key(), account);
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
