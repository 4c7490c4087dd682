package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.faasm.runtime.BenchDirectRunner;
import dev.faasm.runtime.CallOutcome;
import dev.faasm.runtime.FunctionRuntime;
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
 * JMH (SampleTime): a new instance of {@code simon/echo} plus one call per operation, compile cache warm. {@code
 * execute} goes through {@link FunctionRuntime#execute} (hand-off to a guest thread and back); {@code callingThread}
 * runs the same steps on the benchmark thread ({@link BenchDirectRunner}). Run by bench/run-runtime-bench.sh, or:
 * {@code java -cp <bench classpath> org.openjdk.jmh.Main EchoBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class EchoBenchmark {
  private static final byte[] INPUT = "hello faasm".getBytes(UTF_8);

  private FunctionRuntime runtime;
  private BenchDirectRunner direct;
  private Invocation invocation;

  @Setup
  public void setUp() {
    RuntimeConfig config = RuntimeConfig.defaults();
    runtime = new FunctionRuntime(config);
    direct = new BenchDirectRunner(config);
    byte[] wasm = Modules.read("simon", "echo");
    invocation = new Invocation("simon", "echo", Modules.sha256Hex(wasm), wasm, INPUT, -1);
    CallOutcome o = runtime.execute(invocation, NoChains.INSTANCE).join();
    if (!o.succeeded() || !new String(o.output(), UTF_8).equals("hello faasm")) {
      throw new IllegalStateException("echo failed: " + o.error());
    }
  }

  @TearDown
  public void tearDown() {
    direct.close();
    runtime.close();
  }

  @Benchmark
  public CallOutcome execute() {
    return runtime.execute(invocation, NoChains.INSTANCE).join();
  }

  @Benchmark
  public CallOutcome callingThread() {
    return direct.run(invocation, NoChains.INSTANCE);
  }
}
