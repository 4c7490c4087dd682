package dev.faasm.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The broker and Redis that {@code faasm dev} runs in-process. The production jar has none: they come with the dev
 * tooling ({@code faasm-dev.jar}, module {@code dev}), found through {@link ServiceLoader}, so that the image the
 * cluster runs carries neither a Kafka broker nor redis-server binaries.
 */
public interface LocalServices {

  /** Starts a broker on {@code kafkaPort} (data under {@code root}) and a supervised redis-server on {@code redisPort}. */
  Running start(Path root, int kafkaPort, int redisPort) throws Exception;

  /** The started services; closing stops both. */
  interface Running extends AutoCloseable {
    String kafkaBootstrap();

    String redisUrl();
  }

  /** The implementation on the class path, if this is the dev tooling. */
  static Optional<LocalServices> find() {
    return ServiceLoader.load(LocalServices.class).findFirst();
  }
}
