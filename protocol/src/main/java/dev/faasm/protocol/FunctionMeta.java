package dev.faasm.protocol;

import java.util.Objects;

/** One uploaded function version: the value of a record on the functions topic (key user/function). */
public record FunctionMeta(
    String user, String function, String digest, int sizeBytes, long uploadedAtMillis) {
  public FunctionMeta {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(digest, "digest");
  }

  public String key() {
    return user + "/" + function;
  }
}
