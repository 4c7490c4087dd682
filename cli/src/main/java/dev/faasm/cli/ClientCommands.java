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
          HttpRequest.newBuilder(target.uri("/f/" + user + "/" + function + "/"))
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
      return target.send(
          HttpRequest.newBuilder(target.uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(input)));
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
      return target.send(HttpRequest.newBuilder(target.uri("/calls/" + callId + suffix)).GET());
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a call's captured stdout/stderr.")
  static final class Logs implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(index = "0", description = "call id") String callId;

    @Override
    public Integer call() throws Exception {
      return target.send(HttpRequest.newBuilder(target.uri("/calls/" + callId + "/logs")).GET());
    }
  }
}
