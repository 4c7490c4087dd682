package dev.faasm.protocol;

/** A record on a platform topic or in the result store could not be decoded. */
public class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
