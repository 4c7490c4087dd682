package dev.faasm.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Quota;
import dev.faasm.protocol.UserAccount;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserDirectoryIT {
  private final KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
  private Topics topics;

  @BeforeEach
  void topics() {
    topics = Topics.withPrefix("users-" + CallIds.random().substring(0, 8) + "-", 1, (short) 1);
    try (Admin admin = kafka.admin()) {
      topics.ensure(admin);
    }
  }

  private UserDirectory directory(String id) throws Exception {
    UserDirectory d = new UserDirectory(kafka, topics, id).start();
    d.caughtUp().get(60, TimeUnit.SECONDS);
    return d;
  }

  @Test
  void keysMadeOnOneDirectoryWorkOnAnotherAndRotationAndRemovalReachIt() throws Exception {
    try (UserDirectory cli = directory("cli"); UserDirectory edge = directory("edge")) {
      String key = cli.add("alice", false, Quota.NONE).get(30, TimeUnit.SECONDS);
      assertEquals("alice", cli.authenticate(key).orElseThrow().user(), "read-your-writes");
      await().atMost(Duration.ofSeconds(10)).until(() -> edge.authenticate(key).isPresent());
      assertThrows(IllegalArgumentException.class, () -> cli.add("alice", false, Quota.NONE));

      String rotated = cli.rotate("alice").get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> edge.authenticate(rotated).isPresent());
      assertFalse(edge.authenticate(key).isPresent(), "the old key stopped working");

      cli.setQuota("alice", new Quota(5, Quota.UNSET, 1000)).get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> edge.account("alice").orElseThrow().quota().equals(new Quota(5, Quota.UNSET, 1000)));
      assertTrue(edge.authenticate(rotated).isPresent(), "a quota change keeps the key");

      cli.remove("alice").get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> edge.authenticate(rotated).isEmpty());
      assertEquals(List.of(), edge.list());
    }
  }

  @Test
  void aLaterReaderSeesTheCurrentUsersAndCorruptRecordsAreDeadLettered() throws Exception {
    String key;
    try (UserDirectory cli = directory("cli")) {
      key = cli.add("ops", true, Quota.NONE).get(30, TimeUnit.SECONDS);
      cli.add("bob", false, new Quota(1, 2, 3)).get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, byte[]> producer = kafka.producer("corrupt")) {
      producer.send(new ProducerRecord<>(topics.users(), "bob", new byte[] {(byte) 0xff, 1})).get();
    }
    try (UserDirectory later = directory("later")) {
      UserAccount ops = later.authenticate(key).orElseThrow();
      assertTrue(ops.admin());
      assertEquals(List.of("bob", "ops"), later.list().stream().map(UserAccount::user).toList());
      assertEquals(new Quota(1, 2, 3), later.account("bob").orElseThrow().quota(), "bob keeps its last good record");
    }
  }
}
