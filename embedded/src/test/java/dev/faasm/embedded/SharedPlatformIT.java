package dev.faasm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class SharedPlatformIT {
  @Test
  void servicesAreStartedOnceAndShared() throws Exception {
    assertSame(TestPlatform.kafka(), TestPlatform.kafka());
    assertSame(TestPlatform.redis(), TestPlatform.redis());
    assertEquals(TestPlatform.kafka().bootstrapServers(), TestPlatform.kafkaBootstrap());
    assertEquals(TestPlatform.redis().url(), TestPlatform.redisUrl());
    assertTrue(TestPlatform.redis().isRunning());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestPlatform.kafkaBootstrap()))) {
      assertEquals(1, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
    }
  }
}
