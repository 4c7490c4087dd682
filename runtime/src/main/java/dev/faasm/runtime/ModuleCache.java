package dev.faasm.runtime;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Version;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
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
  /** Most modules whose generated classes are kept (for an upload that ships them right after validating). */
  private static final int KEPT_CLASSES = 16;

  /** Generated classes of the most recently loaded modules, by digest (for {@link #compiledClasses}). */
  private final Map<String, CompiledClasses> classes =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompiledClasses> eldest) {
              return size() > KEPT_CLASSES;
            }
          });
  /** Classes given by {@link #offer}, by Chicory's key, until the module is loaded. */
  private final Map<String, byte[]> offered = new ConcurrentHashMap<>();
  private final AtomicLong compilations = new AtomicLong();
  private final AtomicLong diskHits = new AtomicLong();
  private final AtomicLong offeredHits = new AtomicLong();
  /** What the modules' {@link MemoryPool}s may keep together. */
  private final MemoryPool.Budget memoryBudget = new MemoryPool.Budget(MemoryPool.DEFAULT_BUDGET_BYTES);

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
            if (size() <= maxEntries) {
              return false;
            }
            CompletableFuture<LoadedModule> evicted = eldest.getValue();
            if (evicted.isDone() && !evicted.isCompletedExceptionally()) {
              evicted.join().memories().close(); // its calls' memories are no longer kept
            }
            return true;
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

  /** Whether the module is loaded (or being loaded) in memory. */
  boolean contains(String digest) {
    synchronized (entries) {
      return entries.containsKey(digest);
    }
  }

  /** The generated classes of a module in this cache, if it was compiled or loaded from classes here. */
  Optional<CompiledClasses> compiledClasses(String digest) {
    return Optional.ofNullable(classes.get(digest));
  }

  /** Classes made elsewhere, used instead of compiling when their module is loaded next. */
  void offer(CompiledClasses compiled) {
    offered.put(compiled.cacheKey(), compiled.jar());
  }

  /** Modules loaded from classes given by {@link #offer}. */
  long offeredHits() {
    return offeredHits.get();
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
    Function<Instance, Machine> factory = compile(validated.module(), actual);
    events.moduleLoaded(actual, compilations.get() > compiledBefore, System.nanoTime() - start);
    log.debug("loaded module {} ({} bytes, {})", actual, wasm.length, validated.info().entry());
    return LoadedModule.of(validated.info(), validated.module(), factory, memoryBudget);
  }

  /**
   * Classes offered for the module first, then the disk cache, then a compile; whichever gave them, the classes are
   * kept for {@link #compiledClasses}. Unusable cached or offered classes are dropped and the module compiled.
   */
  private Function<Instance, Machine> compile(WasmModule module, String digest) {
    ProbeCache probe = new ProbeCache(offered, disk);
    try {
      Function<Instance, Machine> factory = compiler(module).withCache(probe).compile();
      (probe.offeredHit ? offeredHits : probe.diskHit ? diskHits : compilations).incrementAndGet();
      probe.keep(digest, classes);
      return factory;
    } catch (RuntimeException e) {
      if (!probe.offeredHit && !probe.diskHit) {
        throw compileFailure(e);
      }
      log.warn("dropping unusable {} classes of {}", probe.offeredHit ? "offered" : "disk-cached", module.digest(), e);
      disk.ifPresent(d -> d.remove(module.digest()));
    }
    try {
      ProbeCache fresh = new ProbeCache(Map.of(), Optional.empty());
      Function<Instance, Machine> factory = compiler(module).withCache(fresh).compile();
      compilations.incrementAndGet();
      fresh.keep(digest, classes);
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

  /**
   * The compiler's cache for one load: offered classes, then the disk; remembers where the classes came from and
   * what they were.
   */
  private static final class ProbeCache implements Cache {
    private final Map<String, byte[]> offered;
    private final Optional<DiskCompileCache> disk;
    private boolean offeredHit;
    private boolean diskHit;
    private String key;
    private byte[] jar;

    ProbeCache(Map<String, byte[]> offered, Optional<DiskCompileCache> disk) {
      this.offered = offered;
      this.disk = disk;
    }

    @Override
    public byte[] get(String key) {
      byte[] bytes = offered.isEmpty() ? null : offered.remove(key);
      offeredHit = bytes != null;
      if (bytes == null && disk.isPresent()) {
        bytes = disk.get().get(key);
        diskHit = bytes != null;
      }
      if (bytes != null) {
        this.key = key;
        this.jar = bytes;
        if (offeredHit) {
          disk.ifPresent(d -> d.putIfAbsent(key, jar));
        }
      }
      return bytes;
    }

    @Override
    public void putIfAbsent(String key, byte[] data) {
      this.key = key;
      this.jar = data;
      disk.ifPresent(d -> d.putIfAbsent(key, data));
    }

    void keep(String digest, Map<String, CompiledClasses> into) {
      if (key != null) {
        into.put(digest, new CompiledClasses(Version.version(), key, jar));
      }
    }
  }
}
