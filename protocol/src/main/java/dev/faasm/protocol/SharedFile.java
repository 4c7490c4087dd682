package dev.faasm.protocol;

import java.util.Objects;

/**
 * One shared file of a user: the value of a record on the files topic (key {@link #key()}). Functions of the user see
 * it read-only at {@code /share/<path>}.
 *
 * @param path relative, {@code /}-separated, checked by {@link #checkPath}
 */
public record SharedFile(String user, String path, byte[] data, long storedAtMillis) {
  /** Longest path accepted. */
  public static final int MAX_PATH_LENGTH = 255;

  /** Most directory levels accepted. */
  public static final int MAX_PATH_DEPTH = 16;

  public SharedFile {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(data, "data");
    String problem = checkPath(path);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** The record key: {@code user/path}. */
  public String key() {
    return key(user, path);
  }

  public static String key(String user, String path) {
    return user + "/" + path;
  }

  /**
   * Why a path is not a valid shared-file path, or {@code null} if it is: relative, at most {@value #MAX_PATH_LENGTH}
   * characters and {@value #MAX_PATH_DEPTH} segments, each segment of {@code [A-Za-z0-9._-]}, not {@code .} or
   * {@code ..}.
   */
  public static String checkPath(String path) {
    if (path == null || path.isEmpty()) {
      return "the file path is empty";
    }
    if (path.length() > MAX_PATH_LENGTH) {
      return "the file path is longer than " + MAX_PATH_LENGTH + " characters";
    }
    String[] segments = path.split("/", -1);
    if (segments.length > MAX_PATH_DEPTH) {
      return "the file path has more than " + MAX_PATH_DEPTH + " segments";
    }
    for (String segment : segments) {
      if (segment.isEmpty()) {
        return "the file path '" + path + "' has an empty segment (leading, trailing or double '/')";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "the file path '" + path + "' has a '" + segment + "' segment";
      }
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
            || c == '-';
        if (!ok) {
          return "the file path '" + path + "' has a character outside [A-Za-z0-9._-] in segment '" + segment + "'";
        }
      }
    }
    return null;
  }
}
