package dev.faasm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
  @TempDir Path dataDir;

  @Test
  void refusesADirectoryFormattedForAnotherCluster() throws Exception {
    Path logDir = Files.createDirectories(dataDir.resolve("kafka"));
    String foreign = "version=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=1\n";
    Files.writeString(logDir.resolve("meta.properties"), foreign);
    EmbeddedException e = assertThrows(EmbeddedException.class, () -> EmbeddedKafka.start(dataDir));
    assertTrue(e.getMessage().contains("AAAAAAAAAAAAAAAAAAAAAA"), e.getMessage());
    assertEquals(foreign, Files.readString(logDir.resolve("meta.properties")));
  }

  @Test
  void clusterIdIsAValidKafkaUuid() {
    assertEquals(22, EmbeddedKafka.CLUSTER_ID.length());
    assertEquals(EmbeddedKafka.CLUSTER_ID, org.apache.kafka.common.Uuid.fromString(EmbeddedKafka.CLUSTER_ID).toString());
  }
}
