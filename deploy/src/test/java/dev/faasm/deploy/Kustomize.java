package dev.faasm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs {@code kubectl kustomize k8s/} once per test run: what {@code kubectl apply -k k8s/} would send. */
final class Kustomize {
  private static String rendered;

  private Kustomize() {}

  static synchronized String render() {
    if (rendered == null) {
      rendered = run(Repo.k8s());
    }
    return rendered;
  }

  private static String run(Path dir) {
    try {
      Path stderr = Files.createTempFile("kustomize", ".err");
      stderr.toFile().deleteOnExit();
      Process process;
      try {
        process = new ProcessBuilder("kubectl", "kustomize", dir.toString())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot run `kubectl kustomize " + dir + "`: kubectl (with its built-in kustomize) must be on the PATH "
                + "to check the manifests; install it, e.g. https://kubernetes.io/docs/tasks/tools/", e);
      }
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("`kubectl kustomize " + dir + "` did not finish within 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("`kubectl kustomize " + dir + "` failed (exit " + process.exitValue() + "): "
            + Files.readString(stderr, StandardCharsets.UTF_8).strip());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("running kubectl kustomize " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running kubectl kustomize", e);
    }
  }
}
