package dev.faasm.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.embedded.TestPlatform;
import dev.faasm.protocol.CallIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shared files on a real broker: durable across instances, deletions, per-user trees and limits. */
class SharedFilesIT {
  private final KafkaSettings kafka = KafkaSettings.of(TestPlatform.kafkaBootstrap());
  private Topics topics;

  @BeforeEach
  void topics() {
    topics = Topics.withPrefix("files-" + CallIds.random().substring(0, 8) + "-", 1, (short) 1);
    try (Admin admin = kafka.admin()) {
      topics.ensure(admin);
    }
  }

  private SharedFiles open(String id) throws Exception {
    SharedFiles files = new SharedFiles(kafka, topics, id).start();
    files.caughtUp().get(60, TimeUnit.SECONDS);
    return files;
  }

  @Test
  void filesSurviveTheInstanceThatStoredThemAndDeletionsToo() throws Exception {
    try (SharedFiles writer = open("writer")) {
      writer.put("ann", "data/a.txt", bytes("one")).get(30, TimeUnit.SECONDS);
      writer.put("ann", "data/a.txt", bytes("two")).get(30, TimeUnit.SECONDS);
      writer.put("ann", "b.bin", new byte[] {0, 1, 2}).get(30, TimeUnit.SECONDS);
      writer.put("bob", "data/a.txt", bytes("bob's")).get(30, TimeUnit.SECONDS);
      writer.delete("ann", "b.bin").get(30, TimeUnit.SECONDS);
      assertEquals(List.of("data/a.txt"), writer.list("ann").stream().map(SharedFiles.Entry::path).toList());
    }
    try (SharedFiles reader = open("reader")) {
      assertArrayEquals(bytes("two"), reader.read("ann", "data/a.txt").orElseThrow());
      assertTrue(reader.read("ann", "b.bin").isEmpty(), "deleted");
      assertEquals(List.of("data/a.txt"), reader.list("ann").stream().map(SharedFiles.Entry::path).toList());
      Path annRoot = reader.root("ann").orElseThrow();
      assertEquals("two", Files.readString(annRoot.resolve("data/a.txt")));
      assertTrue(Files.notExists(annRoot.resolve("b.bin")));
      assertEquals("bob's", Files.readString(reader.root("bob").orElseThrow().resolve("data/a.txt")));
      assertTrue(reader.root("carol").isEmpty());
    }
  }

  @Test
  void badPathsAndSizesAreRejectedBeforeAnythingIsStored() throws Exception {
    try (SharedFiles files = open("limits")) {
      SharedFiles.RejectedException dots =
          assertThrows(SharedFiles.RejectedException.class, () -> files.put("ann", "../x", bytes("x")));
      assertTrue(dots.getMessage().contains("'..'") && !dots.tooLarge(), dots.getMessage());
      SharedFiles.RejectedException big = assertThrows(SharedFiles.RejectedException.class,
          () -> files.put("ann", "big", new byte[SharedFiles.MAX_FILE_BYTES + 1]));
      assertTrue(big.tooLarge());
      byte[] sixteen = new byte[SharedFiles.MAX_FILE_BYTES];
      for (int i = 0; i < 4; i++) {
        files.put("ann", "f" + i, sixteen).get(30, TimeUnit.SECONDS); // 64 MiB: exactly the user's limit
      }
      SharedFiles.RejectedException full =
          assertThrows(SharedFiles.RejectedException.class, () -> files.put("ann", "one-more", new byte[1]));
      assertTrue(full.tooLarge() && full.getMessage().contains("ann"), full.getMessage());
      files.put("ann", "f0", new byte[1]).get(30, TimeUnit.SECONDS); // replacing frees the old size
      files.put("ann", "one-more", new byte[1]).get(30, TimeUnit.SECONDS);
      assertEquals(5, files.list("ann").size());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
