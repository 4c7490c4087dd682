package dev.faasm.processor;

/** Where the topology sends records it cannot read (the dead-letter topic in production). */
@FunctionalInterface
public interface DeadLetterSink {
  void send(String topic, int partition, long offset, String key, byte[] value, String reason);
}
