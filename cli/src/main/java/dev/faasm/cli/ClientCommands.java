package dev.faasm.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The client side of the {@code faasm} command: thin wrappers over the HTTP API. */
final class ClientCommands {
  private ClientCommands() {}

  /** Where the edge is. */
  static final class Target {
    @Option(names = "--url", defaultValue = "${env:FAASM_URL:-http://localhost:8080}",
        description = "edge URL (FAASM_URL; default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--key", defaultValue = "${env:FAASM_API_KEY}",
        description = "API key sent as 'Authorization: Bearer <key>' (FAASM_API_KEY)")
    String key;

    int send(HttpRequest.Builder request) throws IOException, InterruptedException {
      HttpResponse<byte[]> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      System.out.write(response.body());
      System.out.flush();
      if (response.statusCode() >= 300 && response.statusCode() != 202) {
        System.err.printf("%nHTTP %d%s%n", response.statusCode(),
            response.headers().firstValue("X-Faasm-Call-Id").map(id -> " (call " + id + ")").orElse(""));
        return 1;
      }
      return 0;
    }

    /** A request to {@code path} carrying the key, if one is set. */
    HttpRequest.Builder request(String path) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
      if (key != null && !key.isBlank()) {
        b.header("Authorization", "Bearer " + key.trim());
      }
      return b;
    }

    URI uri(String path) {
      return URI.create(url.replaceAll("/+$", "") + path);
    }
  }

  @Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload a wasm module as user/function.")
  static final class Upload implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(index = "0") String user;
    @Parameters(index = "1") String function;
    @Parameters(index = "2", description = "the .wasm file") Path file;

    @Override
    public Integer call() throws Exception {
      return target.send(
          target.request("/f/" + user + "/" + function + "/")
              .PUT(HttpRequest.BodyPublishers.ofFile(file)));
    }
  }

  @Command(name = "invoke", mixinStandardHelpOptions = true, description = "Call a function (synchronously by default).")
  static final class Invoke implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(index = "0") String user;
    @Parameters(index = "1") String function;

    @Option(names = {"-d", "--data"}, description = "input text") String data;
    @Option(names = {"-i", "--input-file"}, description = "input file") Path inputFile;
    @Option(names = "--async", description = "queue the call and print its id") boolean async;

    @Override
    public Integer call() throws Exception {
      byte[] input =
          inputFile != null ? Files.readAllBytes(inputFile)
              : data != null ? data.getBytes(StandardCharsets.UTF_8) : new byte[0];
      String path = (async ? "/fa/" : "/f/") + user + "/" + function + "/";
      return target.send(
          target.request(path).POST(HttpRequest.BodyPublishers.ofByteArray(input)));
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a call's status.")
  static final class Status implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(index = "0", description = "call id") String callId;
    @Option(names = "--output", description = "print the call's output instead") boolean output;

    @Override
    public Integer call() throws Exception {
      String suffix = output ? "/output" : "";
      return target.send(target.request("/calls/" + callId + suffix).GET());
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a call's captured stdout/stderr.")
  static final class Logs implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(index = "0", description = "call id") String callId;

    @Override
    public Integer call() throws Exception {
      return target.send(target.request("/calls/" + callId + "/logs").GET());
    }
  }
}
