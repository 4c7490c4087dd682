package dev.faasm.edge;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The root of the edge's exceptions: a request the edge answers with an error. The HTTP status says what the client
 * should do about it; the message names the offending thing; extra fields and headers go into the one JSON error shape
 * ({@code {"error": message, ...fields}}) written by {@link Errors}.
 */
class EdgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final Map<String, String> headers = new LinkedHashMap<>();

  EdgeException(int status, String message) {
    super(message);
    this.status = status;
  }

  EdgeException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  static EdgeException badRequest(String message) {
    return new EdgeException(400, message);
  }

  static EdgeException notFound(String message) {
    return new EdgeException(404, message);
  }

  static EdgeException methodNotAllowed(String method, String path, Collection<String> allowed) {
    TreeSet<String> methods = new TreeSet<>(allowed);
    if (methods.contains("GET")) {
      methods.add("HEAD");
    }
    String allow = String.join(", ", methods);
    return new EdgeException(405, "method " + method + " not allowed on " + path + "; allowed: " + allow)
        .header("Allow", allow);
  }

  static EdgeException conflict(String message) {
    return new EdgeException(409, message);
  }

  static EdgeException tooLarge(String what, long size, long limit) {
    String sizeText = size >= 0 ? " of " + size + " bytes" : "";
    return new EdgeException(413, what + sizeText + " exceeds the limit of " + limit + " bytes")
        .with("limitBytes", limit);
  }

  static EdgeException unavailable(String message, Throwable cause) {
    return new EdgeException(503, message, cause);
  }

  /** Adds a field to the JSON error body. */
  EdgeException with(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  /** Adds a response header. */
  EdgeException header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  int status() {
    return status;
  }

  Map<String, Object> fields() {
    return fields;
  }

  Map<String, String> headers() {
    return headers;
  }
}
