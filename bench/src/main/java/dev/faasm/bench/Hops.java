package dev.faasm.bench;

import dev.faasm.registry.KafkaSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * The floor under the platform's sync latency: the single hops a call makes, measured alone on the same broker and
 * redis-server with the platform's client settings, sequentially (concurrency 1).
 */
final class Hops {
  private static final String TOPIC = "bench-hops";

  private Hops() {}

  /** Rows: hop, p50, p99. */
  static List<String[]> measure(KafkaSettings kafka, String redisUrl, int n) throws Exception {
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
    byte[] value = new byte[100];
    long[] ack = new long[n];
    long[] endToEnd = new long[n];
    try (KafkaProducer<String, byte[]> producer = kafka.producer("bench-hops");
        KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      consumer.position(tp);
      SynchronousQueue<Long> seen = new SynchronousQueue<>();
      CountDownLatch stop = new CountDownLatch(1);
      Thread poller = new Thread(() -> {
        while (stop.getCount() > 0) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            try {
              seen.put(System.nanoTime());
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }, "bench-hops-consumer");
      poller.start();
      try {
        for (int i = -n / 4; i < n; i++) {
          long t0 = System.nanoTime();
          producer.send(new ProducerRecord<>(TOPIC, "k", value)).get();
          long acked = System.nanoTime();
          Long received = seen.poll(30, TimeUnit.SECONDS);
          if (received == null) {
            throw new IllegalStateException("the consumer did not see record " + i);
          }
          if (i >= 0) {
            ack[i] = acked - t0;
            endToEnd[i] = received - t0;
          }
        }
      } finally {
        stop.countDown();
        poller.join(5_000);
      }
    }

    long[] set = new long[n];
    long[] pubsub = new long[n];
    URI uri = URI.create(redisUrl);
    try (Jedis client = new Jedis(uri); Jedis subscriberConnection = new Jedis(uri)) {
      SynchronousQueue<Long> received = new SynchronousQueue<>();
      JedisPubSub listener = new JedisPubSub() {
        @Override
        public void onMessage(String channel, String message) {
          try {
            received.put(System.nanoTime());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      Thread subscriber = new Thread(() -> subscriberConnection.subscribe(listener, "bench-hops"), "bench-hops-sub");
      subscriber.start();
      while (listener.getSubscribedChannels() == 0) {
        Thread.sleep(10);
      }
      for (int i = -n / 4; i < n; i++) {
        long t0 = System.nanoTime();
        client.set("bench-hops:" + (i & 1023), "x");
        long t1 = System.nanoTime();
        client.publish("bench-hops", "x");
        Long got = received.poll(30, TimeUnit.SECONDS);
        if (got == null) {
          throw new IllegalStateException("no pub/sub message " + i);
        }
        if (i >= 0) {
          set[i] = t1 - t0;
          pubsub[i] = got - t1;
        }
      }
      listener.unsubscribe();
      subscriber.join(5_000);
    }
    return List.of(
        row("Kafka produce → ack (acks=all, idempotent, linger 0)", ack),
        row("Kafka produce → a polling consumer has it (read_committed)", endToEnd),
        row("Redis SET round trip (Jedis)", set),
        row("Redis PUBLISH → subscriber notified", pubsub));
  }

  private static String[] row(String hop, long[] nanos) {
    Percentiles p = new Percentiles(nanos);
    return new String[] {hop, String.format("%.2f ms", p.median() / 1e6), String.format("%.2f ms", p.at(99) / 1e6)};
  }

  private static KafkaConsumer<String, byte[]> consumer(KafkaSettings kafka) {
    Map<String, Object> props = kafka.consumerProps("bench-hops-consumer");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
