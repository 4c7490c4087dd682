package dev.faasm.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The client side of the {@code faasm} command: the HTTP API for people (aligned tables, a newline at the end, colour
 * on a terminal) and, with {@code --json}, for scripts. Exit codes: {@link ExitCodes}.
 */
final class ClientCommands {
  private ClientCommands() {}

  /** Where the edge is, and the key to send. */
  static final class Target {
    @Option(names = "--url", defaultValue = "${env:FAASM_URL:-http://localhost:8080}",
        description = "edge URL (FAASM_URL; default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--key", defaultValue = "${env:FAASM_API_KEY}", paramLabel = "KEY",
        description = "API key, sent as Authorization: Bearer KEY (FAASM_API_KEY)")
    String key;

    private HttpClient http;

    /** A request to the edge, with the key when there is one. */
    HttpRequest.Builder request(String path) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
      if (key != null && !key.isBlank()) {
        b.header("Authorization", "Bearer " + key.strip());
      }
      return b;
    }

    /** Sends; an edge that cannot be reached is {@link ExitCodes.Unreachable}. */
    HttpResponse<byte[]> send(HttpRequest.Builder request) throws InterruptedException {
      if (http == null) {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      }
      try {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        throw new ExitCodes.Unreachable(url, e);
      }
    }

    URI uri(String path) {
      return URI.create(url.replaceAll("/+$", "") + path);
    }
  }

  /** What every client command shares: the edge, {@code --json}, and the output streams. */
  abstract static class Client implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Target target;

    @Option(names = "--json", description = "print the platform's JSON answer (one object per line) for scripts")
    boolean json;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    /** Prints text with a newline at its end (adding one if missing). */
    void println(String text) {
      out().print(text);
      if (!text.endsWith("\n")) {
        out().println();
      }
      out().flush();
    }

    /** A refused or failed request: the edge's error message on stderr, and the exit code it means. */
    int refused(HttpResponse<byte[]> r) {
      if (json) {
        println(new String(r.body(), StandardCharsets.UTF_8).strip());
      }
      String callId = r.headers().firstValue("X-Faasm-Call-Id").map(id -> " (call " + id + ")").orElse("");
      err().println("faasm " + spec.name() + ": HTTP " + r.statusCode() + callId + ": " + error(r.body()));
      err().flush();
      return r.statusCode() >= 400 && r.statusCode() < 500 ? ExitCodes.USAGE : ExitCodes.UNREACHABLE;
    }

    Map<String, Object> object(HttpResponse<byte[]> r) {
      try {
        Map<String, Object> m = JSON.std.mapFrom(r.body());
        if (m == null) {
          throw new IllegalStateException("empty answer from " + target.url);
        }
        return m;
      } catch (IOException e) {
        throw new IllegalStateException("the edge answered something that is not JSON: " + e.getMessage(), e);
      }
    }
  }

  @Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload a wasm module as user/function.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {ExitCodes.OK_LINE, ExitCodes.USAGE_LINE, ExitCodes.UNREACHABLE_LINE})
  static final class Upload extends Client {
    @Parameters(index = "0") String user;
    @Parameters(index = "1") String function;
    @Parameters(index = "2", description = "the .wasm file") Path file;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(file)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "no such file: " + file);
      }
      long size = Files.size(file);
      boolean progress = !json && Human.terminal() && size >= 1024 * 1024;
      HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofFile(file);
      if (progress) {
        body = withProgress(body, size, err());
      }
      HttpResponse<byte[]> r =
          target.send(target.request("/f/" + user + "/" + function + "/").PUT(body).timeout(Duration.ofMinutes(10)));
      if (progress) {
        err().print("\r" + " ".repeat(72) + "\r");
        err().flush();
      }
      if (r.statusCode() != 200 && r.statusCode() != 201) {
        return refused(r);
      }
      if (json) {
        println(new String(r.body(), StandardCharsets.UTF_8).strip());
        return ExitCodes.OK;
      }
      Map<String, Object> m = object(r);
      println((r.statusCode() == 201 ? "uploaded " : "replaced ") + user + "/" + function + ": "
          + Human.size(size) + ", digest " + String.valueOf(m.get("digest")).substring(0, 12)
          + ", entry " + m.get("entry"));
      return ExitCodes.OK;
    }

    /** Counts the bytes the client takes from the file and draws a bar on stderr, at most ten times a second. */
    static HttpRequest.BodyPublisher withProgress(HttpRequest.BodyPublisher inner, long total, PrintWriter err) {
      AtomicLong sent = new AtomicLong();
      AtomicLong drawn = new AtomicLong();
      Flow.Publisher<ByteBuffer> counting = subscriber -> inner.subscribe(new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscriber.onSubscribe(s);
        }

        @Override
        public void onNext(ByteBuffer item) {
          long now = sent.addAndGet(item.remaining());
          long t = System.nanoTime();
          long last = drawn.get();
          if ((t - last > 100_000_000L || now == total) && drawn.compareAndSet(last, t)) {
            err.print("\ruploading " + Human.bar(now, total, "bytes"));
            err.flush();
          }
          subscriber.onNext(item);
        }

        @Override
        public void onError(Throwable e) {
          subscriber.onError(e);
        }

        @Override
        public void onComplete() {
          subscriber.onComplete();
        }
      });
      return HttpRequest.BodyPublishers.fromPublisher(counting, total);
    }
  }

  @Command(name = "invoke", mixinStandardHelpOptions = true, description = "Call a function (synchronously by default).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.UNREACHABLE_LINE})
  static final class Invoke extends Client {
    @Parameters(index = "0") String user;
    @Parameters(index = "1") String function;

    @Option(names = {"-d", "--data"}, description = "input text") String data;
    @Option(names = {"-i", "--input-file"}, description = "input file") Path inputFile;
    @Option(names = "--async", description = "queue the call and print its id") boolean async;
    @Option(names = "--arg", description = "a command-line argument (argv[1], argv[2], ...); repeat for more")
    java.util.List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
      byte[] input =
          inputFile != null ? Files.readAllBytes(inputFile)
              : data != null ? data.getBytes(StandardCharsets.UTF_8) : new byte[0];
      StringBuilder query = new StringBuilder();
      for (String arg : args) {
        query.append(query.length() == 0 ? '?' : '&').append("arg=")
            .append(java.net.URLEncoder.encode(arg, StandardCharsets.UTF_8).replace("+", "%20"));
      }
      String path = (async ? "/fa/" : "/f/") + user + "/" + function + "/" + query;
      HttpResponse<byte[]> r = target.send(target.request(path).POST(HttpRequest.BodyPublishers.ofByteArray(input)));
      String callId = r.headers().firstValue("X-Faasm-Call-Id").orElse("");
      if (r.statusCode() == 202) {
        if (json) {
          println(new String(r.body(), StandardCharsets.UTF_8).strip());
        } else {
          println(callId);
          if (Human.terminal()) {
            err().println("queued; follow it with: faasm logs -f " + callId);
            err().flush();
          }
        }
        return ExitCodes.OK;
      }
      if (r.statusCode() == 200) {
        if (json) {
          String output = Human.utf8(r.body()).orElse(null);
          println(JSON.std.asString(Map.of("callId", callId, "status", "succeeded",
              output != null ? "output" : "outputBase64",
              output != null ? output : java.util.Base64.getEncoder().encodeToString(r.body()))));
        } else {
          writeOutput(r.body());
        }
        return ExitCodes.OK;
      }
      if (r.statusCode() == 500 || r.statusCode() == 504) {
        if (json) {
          println(new String(r.body(), StandardCharsets.UTF_8).strip());
        } else {
          err().println("faasm invoke: " + error(r.body()) + " (call " + callId + ")");
          err().println(r.statusCode() == 500 ? "its logs: faasm logs " + callId : "follow it: faasm logs -f " + callId);
          err().flush();
        }
        return ExitCodes.FAILED;
      }
      return refused(r);
    }

    /** The output as text (a newline added on a terminal), or the raw bytes when it is not UTF-8. */
    private void writeOutput(byte[] output) {
      var text = Human.utf8(output);
      if (text.isPresent()) {
        out().print(text.get());
        if (Human.terminal() && !text.get().isEmpty() && !text.get().endsWith("\n")) {
          out().println();
        }
        out().flush();
      } else {
        out().flush();
        System.out.write(output, 0, output.length);
        System.out.flush();
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a call's status.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the call succeeded or has not finished", "1:the call failed", ExitCodes.USAGE_LINE,
          ExitCodes.UNREACHABLE_LINE})
  static final class Status extends Client {
    @Parameters(index = "0", description = "call id") String callId;
    @Option(names = "--output", description = "print the call's output instead") boolean output;

    @Override
    public Integer call() throws Exception {
      if (output) {
        HttpResponse<byte[]> r = target.send(target.request("/calls/" + callId + "/output").GET());
        if (r.statusCode() != 200) {
          return refused(r);
        }
        out().flush();
        System.out.write(r.body(), 0, r.body().length);
        System.out.flush();
        return ExitCodes.OK;
      }
      HttpResponse<byte[]> r = target.send(target.request("/calls/" + callId).GET());
      if (r.statusCode() != 200) {
        return refused(r);
      }
      Map<String, Object> call = object(r);
      if (json) {
        println(new String(r.body(), StandardCharsets.UTF_8).strip());
      } else {
        out().print(describe(call, Human.colour()));
        out().flush();
      }
      return "failed".equals(call.get("status")) ? ExitCodes.FAILED : ExitCodes.OK;
    }

    static String describe(Map<String, Object> c, boolean colour) {
      List<String[]> f = new ArrayList<>();
      f.add(new String[] {"call", str(c.get("callId"))});
      f.add(new String[] {"function", c.get("user") + "/" + c.get("function")});
      f.add(new String[] {"status", Human.status(str(c.get("status")), colour)});
      f.add(new String[] {"return code", str(c.get("returnCode"))});
      f.add(new String[] {"failure", str(c.get("failure"))});
      f.add(new String[] {"error", str(c.get("error"))});
      f.add(new String[] {"submitted", Human.time(c.get("submittedAt"))});
      f.add(new String[] {"started", Human.time(c.get("startedAt"))});
      f.add(new String[] {"finished", Human.time(c.get("finishedAt"))});
      f.add(new String[] {"run time", c.get("durationMs") == null ? null : c.get("durationMs") + " ms"});
      f.add(new String[] {"chained calls", str(c.get("chainedCalls"))});
      return Human.fields(f);
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true,
      description = "Print a call's captured stdout/stderr; with -f, wait for the call to end first.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the call succeeded (or, without -f, its logs were printed)",
          "1:with -f: the call failed", ExitCodes.USAGE_LINE, ExitCodes.UNREACHABLE_LINE})
  static final class Logs extends Client {
    private static final long NEW_CALL_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    @Parameters(index = "0", description = "call id") String callId;

    @Option(names = {"-f", "--follow"}, description = "follow the call until it ends, then print its logs")
    boolean follow;

    @Option(names = "--poll-ms", defaultValue = "250", description = "how often to ask while following (default ${DEFAULT-VALUE})")
    long pollMs;

    @Override
    public Integer call() throws Exception {
      String status = null;
      if (follow) {
        String shown = "";
        boolean live = Human.terminal();
        long started = System.nanoTime();
        while (true) {
          HttpResponse<byte[]> r = target.send(target.request("/calls/" + callId).GET());
          if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
            Thread.sleep(1000);
            continue;
          }
          if (r.statusCode() == 404 && System.nanoTime() - started < NEW_CALL_GRACE_NANOS) {
            // An async call's queued status is written just after its 202: it may not be visible yet.
            Thread.sleep(Math.max(1, pollMs));
            continue;
          }
          if (r.statusCode() != 200) {
            clear(shown);
            return refused(r);
          }
          status = str(object(r).get("status"));
          if ("succeeded".equals(status) || "failed".equals(status)) {
            break;
          }
          if (live) {
            String line = String.format(java.util.Locale.ROOT, "call %s: %s (%.0f s)", callId, status,
                (System.nanoTime() - started) / 1e9);
            err().print("\r" + line + " ".repeat(Math.max(0, shown.length() - line.length())));
            err().flush();
            shown = line;
          }
          Thread.sleep(Math.max(1, pollMs));
        }
        clear(shown);
      }
      HttpResponse<byte[]> r = target.send(target.request("/calls/" + callId + "/logs").GET());
      if (r.statusCode() != 200) {
        return refused(r);
      }
      String logs = new String(r.body(), StandardCharsets.UTF_8);
      if (json) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("callId", callId);
        m.put("status", status);
        m.put("logs", logs);
        println(JSON.std.asString(m));
      } else if (!logs.isEmpty()) {
        println(logs);
      }
      if (follow && !json) {
        err().println("call " + callId + " " + Human.status(status, Human.colour()));
        err().flush();
      }
      return "failed".equals(status) ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private void clear(String shown) {
      if (!shown.isEmpty()) {
        err().print("\r" + " ".repeat(shown.length()) + "\r");
        err().flush();
      }
    }
  }

  @Command(name = "calls", mixinStandardHelpOptions = true,
      description = "List recent calls, newest first (those the edge has seen in the last hour).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {ExitCodes.OK_LINE, ExitCodes.USAGE_LINE, ExitCodes.UNREACHABLE_LINE})
  static final class Calls extends Client {
    @Option(names = {"-u", "--user"}, defaultValue = "${env:FAASM_USER}", description = "only this user's calls (FAASM_USER)")
    String user;

    @Option(names = {"-F", "--function"}, description = "only calls of this function") String function;

    @Option(names = {"-o", "--outcome"}, description = "succeeded, failed or unfinished") String outcome;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "at most this many (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws Exception {
      StringBuilder q = new StringBuilder("/calls?limit=" + limit);
      param(q, "user", user);
      param(q, "function", function);
      param(q, "outcome", outcome);
      HttpResponse<byte[]> r = target.send(target.request(q.toString()).GET());
      if (r.statusCode() != 200) {
        return refused(r);
      }
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> calls = (List<Map<String, Object>>) object(r).get("calls");
      if (json) {
        for (Map<String, Object> c : calls) {
          println(JSON.std.asString(c));
        }
        return ExitCodes.OK;
      }
      if (calls.isEmpty()) {
        println("no recent calls" + (user != null ? " of " + user : ""));
        return ExitCodes.OK;
      }
      boolean colour = Human.colour();
      List<List<String>> rows = new ArrayList<>();
      for (Map<String, Object> c : calls) {
        String status = str(c.get("status"));
        if (c.get("failure") != null) {
          status = Human.status(status, colour) + " (" + c.get("failure").toString().toLowerCase(java.util.Locale.ROOT) + ")";
        } else {
          status = Human.status(status, colour);
        }
        rows.add(List.of(str(c.get("callId")), c.get("user") + "/" + c.get("function"), status,
            c.get("durationMs") == null ? "" : c.get("durationMs").toString(),
            String.valueOf(Human.time(c.get("submittedAt"))),
            c.get("parentCallId") == null ? "" : str(c.get("parentCallId"))));
      }
      out().print(Human.table(List.of("CALL", "FUNCTION", "STATUS", "MS", "SUBMITTED", "PARENT"), rows));
      out().flush();
      return ExitCodes.OK;
    }

    private static void param(StringBuilder q, String name, String value) {
      if (value != null && !value.isBlank()) {
        q.append('&').append(name).append('=').append(URLEncoder.encode(value.strip(), StandardCharsets.UTF_8));
      }
    }
  }

  @Command(name = "functions", mixinStandardHelpOptions = true, description = "List a user's functions.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {ExitCodes.OK_LINE, ExitCodes.USAGE_LINE, ExitCodes.UNREACHABLE_LINE})
  static final class Functions extends Client {
    @Parameters(index = "0", description = "user") String user;

    @Override
    public Integer call() throws Exception {
      HttpResponse<byte[]> r = target.send(target.request("/f/" + user + "/").GET());
      if (r.statusCode() != 200) {
        return refused(r);
      }
      List<Object> list = JSON.std.listFrom(r.body());
      if (json) {
        for (Object f : list) {
          println(JSON.std.asString(f));
        }
        return ExitCodes.OK;
      }
      if (list.isEmpty()) {
        println(user + " has no functions");
        return ExitCodes.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (Object o : list) {
        Map<?, ?> f = (Map<?, ?>) o;
        rows.add(List.of(str(f.get("function")), str(f.get("digest")).substring(0, 12),
            Human.size(((Number) f.get("size")).longValue()), String.valueOf(Human.time(f.get("uploadedAt")))));
      }
      out().print(Human.table(List.of("FUNCTION", "DIGEST", "SIZE", "UPLOADED"), rows));
      out().flush();
      return ExitCodes.OK;
    }
  }

  static String str(Object o) {
    return o == null ? null : o.toString();
  }

  /** The {@code "error"} of the edge's JSON error shape, else the body itself. */
  static String error(byte[] body) {
    try {
      Map<String, Object> m = JSON.std.mapFrom(body);
      if (m != null && m.get("error") != null) {
        return m.get("error").toString();
      }
    } catch (IOException | RuntimeException e) {
      // Not the JSON error shape: show the body as it is.
    }
    return new String(body, StandardCharsets.UTF_8).strip();
  }
}
