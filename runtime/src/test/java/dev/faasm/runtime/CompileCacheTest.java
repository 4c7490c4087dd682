package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.bytes;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modules are compiled once per digest, and compiled classes can outlive the runtime on disk. */
class CompileCacheTest {
  @TempDir Path cacheDir;

  @Test
  void sameDigestIsCompiledOnce() {
    try (FunctionRuntime runtime = new FunctionRuntime(RuntimeConfig.defaults())) {
      LocalCallHost simon = LocalCallHost.forUser(runtime, "simon");

      runtime.validate(Wasm.load("simon", "echo"));
      runtime.validate(Wasm.load("simon", "echo"));
      assertSucceeded(simon.run("echo", bytes("a")));
      assertSucceeded(simon.run("echo", bytes("b")));
      assertEquals(1, runtime.compilations());

      runtime.validate(Wasm.load("simon", "x2"));
      assertEquals(2, runtime.compilations());
    }
  }

  @Test
  void diskCacheIsReusedByANewRuntime() throws IOException {
    RuntimeConfig config = RuntimeConfig.defaults().withCompileCacheDir(cacheDir);
    try (FunctionRuntime first = new FunctionRuntime(config)) {
      first.validate(Wasm.load("simon", "echo"));
      assertEquals(1, first.compilations());
      assertEquals(0, first.diskCacheHits());
    }
    assertEquals(1, cacheEntries().size());

    try (FunctionRuntime second = new FunctionRuntime(config)) {
      CallOutcome outcome = LocalCallHost.forUser(second, "simon").run("echo", bytes("from disk"));

      assertSucceeded(outcome);
      assertEquals("from disk", text(outcome.output()));
      assertEquals(0, second.compilations());
      assertEquals(1, second.diskCacheHits());
    }
  }

  @Test
  void unusableDiskCacheEntryIsReplacedByACompile() throws IOException {
    RuntimeConfig config = RuntimeConfig.defaults().withCompileCacheDir(cacheDir);
    try (FunctionRuntime first = new FunctionRuntime(config)) {
      first.validate(Wasm.load("simon", "echo"));
    }
    Files.write(cacheEntries().get(0), bytes("not a jar"));

    try (FunctionRuntime second = new FunctionRuntime(config)) {
      CallOutcome outcome = LocalCallHost.forUser(second, "simon").run("echo", bytes("recompiled"));

      assertSucceeded(outcome);
      assertEquals("recompiled", text(outcome.output()));
      assertEquals(1, second.compilations());
    }
  }

  @Test
  void classesCompiledByOneRuntimeAreLoadedByAnotherWithoutCompiling() throws Exception {
    byte[] wasm = Wasm.load("simon", "echo");
    CompiledClasses classes;
    try (FunctionRuntime edge = new FunctionRuntime(RuntimeConfig.defaults())) {
      ModuleInfo info = edge.validate(wasm);
      classes = edge.compiledClasses(info.digest()).orElseThrow();
      assertTrue(classes.loadableHere());
      assertTrue(classes.jar().length > 0);
    }
    String digest = Digests.sha256Hex(wasm);
    try (FunctionRuntime processor = new FunctionRuntime(RuntimeConfig.defaults())) {
      processor.preload(wasm, digest, Optional.of(classes)).get(30, TimeUnit.SECONDS);

      assertEquals(1, processor.preloadedFromClasses());
      assertEquals(0, processor.compilations());
      CallOutcome outcome = LocalCallHost.forUser(processor, "simon").run("echo", bytes("shipped"));
      assertSucceeded(outcome);
      assertEquals("shipped", text(outcome.output()));
      assertEquals(0, processor.compilations(), "the call used the preloaded module");
    }
  }

  @Test
  void classesFromAnotherChicoryOrUnusableOnesAreCompiledInstead() throws Exception {
    byte[] wasm = Wasm.load("simon", "echo");
    String digest = Digests.sha256Hex(wasm);
    CompiledClasses real;
    try (FunctionRuntime edge = new FunctionRuntime(RuntimeConfig.defaults())) {
      edge.validate(wasm);
      real = edge.compiledClasses(digest).orElseThrow();
    }
    CompiledClasses otherVersion = new CompiledClasses("0.0.1", real.cacheKey(), real.jar());
    CompiledClasses garbage = new CompiledClasses(real.chicoryVersion(), real.cacheKey(), bytes("not a jar"));
    for (CompiledClasses classes : List.of(otherVersion, garbage)) {
      try (FunctionRuntime processor = new FunctionRuntime(RuntimeConfig.defaults())) {
        processor.preload(wasm, digest, Optional.of(classes)).get(30, TimeUnit.SECONDS);

        assertEquals(0, processor.preloadedFromClasses());
        assertEquals(1, processor.compilations());
        assertSucceeded(LocalCallHost.forUser(processor, "simon").run("echo", bytes("compiled here")));
      }
    }
  }

  @Test
  void aCallArrivingDuringItsPreloadWaitsForItInsteadOfCompilingAgain() throws Exception {
    byte[] wasm = Wasm.load("simon", "echo");
    String digest = Digests.sha256Hex(wasm);
    try (FunctionRuntime processor = new FunctionRuntime(RuntimeConfig.defaults())) {
      CompletableFuture<Void> preload = processor.preload(wasm, digest, Optional.empty());
      assertSucceeded(LocalCallHost.forUser(processor, "simon").run("echo", bytes("during the preload")));
      preload.get(30, TimeUnit.SECONDS);
      assertEquals(1, processor.compilations());
    }
  }

  private List<Path> cacheEntries() throws IOException {
    try (Stream<Path> files = Files.walk(cacheDir)) {
      return files.filter(file -> file.toString().endsWith(".jar")).toList();
    }
  }
}
