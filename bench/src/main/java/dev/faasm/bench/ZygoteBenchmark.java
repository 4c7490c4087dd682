package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.faasm.runtime.BenchDirectRunner;
import dev.faasm.runtime.CallOutcome;
import dev.faasm.runtime.Invocation;
import dev.faasm.runtime.RuntimeConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH (AverageTime): the cost of a new instance plus one call of the Proto-Faaslet {@code demo/zygote} (its zygote
 * builds a 1 MiB table), on the benchmark thread, compile cache warm: {@code fromSnapshot} starts each instance from
 * the zygote's snapshot (a copy of its memory and globals), {@code zygoteEveryCall} runs the zygote in every
 * instance instead (no Proto-Faaslet), and {@code plainInstance} is {@code demo/hello} (no zygote) for the floor.
 * Run by bench/run-runtime-bench.sh, or: {@code java -cp <bench classpath> org.openjdk.jmh.Main ZygoteBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ZygoteBenchmark {
  private BenchDirectRunner direct;
  private Invocation zygote;
  private Invocation hello;

  @Setup
  public void setUp() {
    direct = new BenchDirectRunner(RuntimeConfig.defaults());
    byte[] wasm = Modules.read("demo", "zygote");
    zygote = new Invocation("demo", "zygote", Modules.sha256Hex(wasm), wasm, "7".getBytes(UTF_8), -1);
    byte[] helloWasm = Modules.read("demo", "hello");
    hello = new Invocation("demo", "hello", Modules.sha256Hex(helloWasm), helloWasm, new byte[0], -1);
    String first = new String(check(direct.run(zygote, NoChains.INSTANCE)).output(), UTF_8);
    String fresh = new String(check(direct.run(zygote, NoChains.INSTANCE, false)).output(), UTF_8);
    if (!first.equals(fresh) || !first.startsWith("zygote ready calls=1")) {
      throw new IllegalStateException("snapshot and fresh runs differ: " + first + " / " + fresh);
    }
    check(direct.run(hello, NoChains.INSTANCE));
  }

  private static CallOutcome check(CallOutcome o) {
    if (!o.succeeded()) {
      throw new IllegalStateException("call failed: " + o.error());
    }
    return o;
  }

  @TearDown
  public void tearDown() {
    direct.close();
  }

  @Benchmark
  public CallOutcome fromSnapshot() {
    return direct.run(zygote, NoChains.INSTANCE);
  }

  @Benchmark
  public CallOutcome zygoteEveryCall() {
    return direct.run(zygote, NoChains.INSTANCE, false);
  }

  @Benchmark
  public CallOutcome plainInstance() {
    return direct.run(hello, NoChains.INSTANCE);
  }
}
