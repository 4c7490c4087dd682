package dev.faasm.runtime;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates, parses and compiles each module once per digest with Chicory's runtime compiler, and keeps the most
 * recently used ones in memory (LRU by count). Concurrent loads of the same digest wait for one compile. With a
 * {@link DiskCompileCache}, generated classes also survive restarts. Rejected modules are not cached.
 */
final class ModuleCache {
  private static final Logger log = LoggerFactory.getLogger(ModuleCache.class);

  private final ModuleValidator validator;
  private final Optional<DiskCompileCache> disk;
  private final Map<String, CompletableFuture<LoadedModule>> entries;
  private final AtomicLong compilations = new AtomicLong();
  private final AtomicLong diskHits = new AtomicLong();

  private RuntimeEvents events = RuntimeEvents.NONE;

  /** Who hears of module loads (set once, before use). */
  void events(RuntimeEvents events) {
    this.events = events;
  }

  ModuleCache(int maxEntries, ModuleValidator validator, Optional<DiskCompileCache> disk) {
    this.validator = validator;
    this.disk = disk;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<LoadedModule>> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /**
   * The loaded module for these bytes.
   *
   * @param digest the bytes' lowercase hex SHA-256 if the caller knows it (the cache key), else {@code null}
   * @throws InvalidModuleException if the bytes are rejected or do not match {@code digest}
   */
  LoadedModule load(byte[] wasm, String digest) {
    String key = digest != null ? digest : Digests.sha256Hex(wasm);
    CompletableFuture<LoadedModule> entry;
    boolean mine = false;
    synchronized (entries) {
      entry = entries.get(key);
      if (entry == null) {
        entry = new CompletableFuture<>();
        entries.put(key, entry);
        mine = true;
      }
    }
    if (mine) {
      try {
        entry.complete(loadUncached(wasm, key, digest == null));
      } catch (RuntimeException | Error e) {
        synchronized (entries) {
          entries.remove(key, entry);
        }
        entry.completeExceptionally(e);
      }
    }
    try {
      return entry.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Modules compiled from scratch (not found in any cache). */
  long compilations() {
    return compilations.get();
  }

  /** Modules whose generated classes were loaded from the disk cache. */
  long diskHits() {
    return diskHits.get();
  }

  private LoadedModule loadUncached(byte[] wasm, String key, boolean keyIsHash) {
    String actual = keyIsHash ? key : Digests.sha256Hex(wasm);
    if (!actual.equals(key)) {
      throw new InvalidModuleException("module digest mismatch: given " + key + ", bytes hash to " + actual);
    }
    ModuleValidator.Validated validated = validator.validate(wasm, actual);
    long start = System.nanoTime();
    long compiledBefore = compilations.get();
    Function<Instance, Machine> factory = compile(validated.module());
    events.moduleLoaded(actual, compilations.get() > compiledBefore, System.nanoTime() - start);
    log.debug("loaded module {} ({} bytes, {})", actual, wasm.length, validated.info().entry());
    return LoadedModule.of(validated.info(), validated.module(), factory);
  }

  private Function<Instance, Machine> compile(WasmModule module) {
    if (disk.isPresent()) {
      ProbeCache probe = new ProbeCache(disk.get());
      try {
        Function<Instance, Machine> factory = compiler(module).withCache(probe).compile();
        (probe.hit ? diskHits : compilations).incrementAndGet();
        return factory;
      } catch (RuntimeException e) {
        if (!probe.hit) {
          throw compileFailure(e);
        }
        log.warn("dropping unusable compile cache entry for {}", module.digest(), e);
        disk.get().remove(module.digest());
      }
    }
    try {
      Function<Instance, Machine> factory = compiler(module).compile();
      compilations.incrementAndGet();
      return factory;
    } catch (RuntimeException e) {
      throw compileFailure(e);
    }
  }

  private static MachineFactoryCompiler.Builder compiler(WasmModule module) {
    // Functions too large for one JVM method are interpreted (and Chicory logs a warning); all others are compiled.
    return MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.WARN);
  }

  private static InvalidModuleException compileFailure(RuntimeException e) {
    return new InvalidModuleException("cannot compile module: " + e.getMessage(), e);
  }

  /** Remembers whether the compiler found its entry in the disk cache. */
  private static final class ProbeCache implements Cache {
    private final DiskCompileCache delegate;
    private boolean hit;

    ProbeCache(DiskCompileCache delegate) {
      this.delegate = delegate;
    }

    @Override
    public byte[] get(String key) {
      byte[] bytes = delegate.get(key);
      hit = bytes != null;
      return bytes;
    }

    @Override
    public void putIfAbsent(String key, byte[] data) {
      delegate.putIfAbsent(key, data);
    }
  }
}
