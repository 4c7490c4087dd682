package dev.faasm.protocol;

import java.util.Locale;

/** Lifecycle of a call as seen by clients. */
public enum CallState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
