package dev.faasm.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk} (Debian package {@code wrk}) with a Lua script that POSTs a body and prints parseable results. */
final class Wrk {
  private static final String SCRIPT = """
      wrk.method = "POST"
      wrk.headers["Content-Type"] = "application/octet-stream"
      wrk.body = os.getenv("FAASM_BENCH_BODY")
      done = function(summary, latency, requests)
        local e = summary.errors
        io.write(string.format("RESULT requests=%d duration_us=%d status=%d connect=%d read=%d write=%d timeout=%d\\n",
          summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout))
        io.write(string.format("LATENCY p50=%d p90=%d p99=%d max=%d\\n",
          latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
      end
      """;
  private static final Pattern KV = Pattern.compile("(\\w+)=(\\d+)");

  private Wrk() {}

  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String version() throws IOException {
    Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
    return out.lines().findFirst().orElse("wrk").replaceAll("\\s+\\[.*", "");
  }

  /** {@code seconds} of load over {@code connections} connections from {@code threads} wrk threads. */
  static LoadBench.LoadResult run(String host, int port, String path, byte[] body, int connections, int threads,
      int seconds) throws IOException, InterruptedException {
    Path script = Files.createTempFile("faasm-bench-", ".lua");
    try {
      Files.writeString(script, SCRIPT);
      ProcessBuilder pb = new ProcessBuilder(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
          "--timeout", "30s", "-s", script.toString(), "http://" + host + ":" + port + path));
      pb.environment().put("FAASM_BENCH_BODY", new String(body, UTF_8));
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("wrk did not finish");
      }
      Map<String, Long> v = new HashMap<>();
      for (String line : out.lines().toList()) {
        if (line.startsWith("RESULT") || line.startsWith("LATENCY")) {
          Matcher m = KV.matcher(line);
          while (m.find()) {
            v.put(m.group(1), Long.parseLong(m.group(2)));
          }
        }
      }
      if (!v.containsKey("requests") || !v.containsKey("p50")) {
        throw new IllegalStateException("cannot parse wrk's output:\n" + out);
      }
      long errors = v.get("status") + v.get("connect") + v.get("read") + v.get("write") + v.get("timeout");
      return new LoadBench.LoadResult(v.get("requests"), v.get("duration_us") / 1e6, errors,
          v.get("p50") * 1000, v.get("p90") * 1000, v.get("p99") * 1000, v.get("max") * 1000,
          "wrk -t" + threads + " -c" + connections + " -d" + seconds + "s");
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
