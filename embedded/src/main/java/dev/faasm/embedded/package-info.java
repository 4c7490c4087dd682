/**
 * Real services inside or beside this JVM, for {@code faasm dev} and for integration tests: {@link
 * dev.faasm.embedded.EmbeddedKafka} (a single-node KRaft broker in-process), {@link dev.faasm.embedded.EmbeddedRedis}
 * (a {@code redis-server} child process) and {@link dev.faasm.embedded.TestPlatform} (one of each per test JVM).
 */
package dev.faasm.embedded;
