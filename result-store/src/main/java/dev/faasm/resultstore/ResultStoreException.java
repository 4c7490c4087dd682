package dev.faasm.resultstore;

/**
 * Root of the result store's errors: the message names the problem (the Redis URL, the call id or key involved).
 * Thrown as is for errors a retry will not fix, such as a stored record that cannot be decoded or a Redis error reply.
 */
public class ResultStoreException extends RuntimeException {
  public ResultStoreException(String message) {
    super(message);
  }

  public ResultStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
