package dev.faasm.runtime;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH (AverageTime): what the sandboxed filesystem adds to a call of a module that can open files: a fresh in-memory
 * {@code /tmp} and the preopens ({@link GuestFiles#create} + {@code close}). In the runtime's package because {@code
 * GuestFiles} is package-private. Run: {@code java -cp <bench classpath> org.openjdk.jmh.Main FilesBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FilesBenchmark {
  @Benchmark
  public Path createAndClose() {
    GuestFiles files = GuestFiles.create(Optional.empty());
    try {
      com.dylibso.chicory.wasi.WasiOptions.Builder options = com.dylibso.chicory.wasi.WasiOptions.builder();
      files.addTo(options);
      return options.build().directories().get(GuestFiles.TMP);
    } finally {
      files.close();
    }
  }
}
