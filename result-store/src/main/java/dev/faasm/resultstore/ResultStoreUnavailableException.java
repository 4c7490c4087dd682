package dev.faasm.resultstore;

/**
 * Redis could not be reached, the connection broke, or no pooled connection was free in time: the operation may
 * succeed if retried later (an HTTP edge answers 503).
 */
public class ResultStoreUnavailableException extends ResultStoreException {
  public ResultStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
