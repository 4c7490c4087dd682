package dev.faasm.processor;

import dev.faasm.protocol.FunctionMeta;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.protocol.Names;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.InvalidModuleException;
import dev.faasm.runtime.ModuleInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a local {@code wasm/<user>/<function>/function.wasm} tree (such as the committed examples) into the function
 * registry, so every edge and processor sees those functions. Functions already stored with the same digest are left
 * alone; modules that fail validation are skipped with a warning.
 */
public final class FunctionSeeder {
  private static final Logger log = LoggerFactory.getLogger(FunctionSeeder.class);

  private FunctionSeeder() {}

  /** Returns the functions that were published. Blocks until they are durable. */
  public static List<FunctionMeta> seed(Path wasmDir, FunctionRegistry registry, FunctionRuntime runtime, Clock clock)
      throws IOException, InterruptedException {
    List<CompletableFuture<FunctionMeta>> publishing = new ArrayList<>();
    if (!Files.isDirectory(wasmDir)) {
      throw new IOException("no wasm directory at " + wasmDir.toAbsolutePath());
    }
    List<Path> modules;
    try (Stream<Path> files = Files.walk(wasmDir, 3)) {
      modules = files.filter(p -> p.getFileName().toString().equals("function.wasm")).sorted().toList();
    }
    for (Path file : modules) {
      Path rel = wasmDir.relativize(file);
      if (rel.getNameCount() != 3) {
        continue;
      }
      String user = rel.getName(0).toString();
      String function = rel.getName(1).toString();
      if (!Names.isValid(user) || !Names.isValid(function)) {
        log.warn("skipping {}: invalid user or function name", file);
        continue;
      }
      byte[] wasm = Files.readAllBytes(file);
      ModuleInfo info;
      try {
        info = runtime.validate(wasm);
      } catch (InvalidModuleException e) {
        log.warn("skipping {}/{}: {}", user, function, e.getMessage());
        continue;
      }
      Optional<FunctionMeta> existing = registry.lookup(user, function);
      if (existing.isPresent() && existing.get().digest().equals(info.digest())) {
        continue;
      }
      FunctionMeta meta = new FunctionMeta(user, function, info.digest(), wasm.length, clock.millis());
      publishing.add(registry.publish(meta, wasm));
    }
    List<FunctionMeta> published = new ArrayList<>();
    for (CompletableFuture<FunctionMeta> f : publishing) {
      try {
        published.add(f.get(120, TimeUnit.SECONDS));
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("cannot store the functions of " + wasmDir + ": " + e, e);
      }
    }
    log.info("loaded {} functions from {} ({} new or changed)", modules.size(), wasmDir, published.size());
    return published;
  }
}
