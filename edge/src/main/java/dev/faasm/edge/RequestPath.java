package dev.faasm.edge;

import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Names;
import java.util.Optional;

/**
 * Turns a decoded request path into a {@link Target}. One trailing slash is optional; every user, function and call id
 * is checked against its strict rule, so {@code ..}, dots, empty or over-long segments are rejected naming the part.
 */
final class RequestPath {
  private RequestPath() {}

  /**
   * @return the target, or empty when no route has this shape (404)
   * @throws EdgeException 400 when the shape matches but a name or id is invalid
   */
  static Optional<Target> parse(String path) {
    if (path == null || !path.startsWith("/")) {
      return Optional.empty();
    }
    String p = path.substring(1);
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    String[] s = p.split("/", -1);
    switch (s[0]) {
      case "health":
        return s.length == 1 ? Optional.of(new Target.Health()) : Optional.empty();
      case "ready":
        return s.length == 1 ? Optional.of(new Target.Ready()) : Optional.empty();
      case "metrics":
        return s.length == 1 ? Optional.of(new Target.Metrics()) : Optional.empty();
      case "f":
        if (s.length == 2) {
          return Optional.of(new Target.UserFunctions(name("user", s[1])));
        }
        if (s.length == 4 && !s[3].isEmpty()) {
          return Optional.of(new Target.Upload(name("user", s[1]), name("function", s[2])));
        }
        return s.length == 3 ? Optional.of(function(s, false)) : Optional.empty();
      case "fa":
        return s.length == 3 ? Optional.of(function(s, true)) : Optional.empty();
      case "file":
        return file(s);
      case "calls":
        return calls(s);
      case "replays":
        return replays(s);
      default:
        return Optional.empty();
    }
  }

  private static Target function(String[] s, boolean async) {
    return new Target.Function(name("user", s[1]), name("function", s[2]), async);
  }

  private static Optional<Target> file(String[] s) {
    if (s.length < 2) {
      return Optional.empty();
    }
    String user = name("user", s[1]);
    if (s.length == 2) {
      return Optional.of(new Target.UserFiles(user));
    }
    String path = String.join("/", java.util.Arrays.copyOfRange(s, 2, s.length));
    String problem = dev.faasm.protocol.SharedFile.checkPath(path);
    if (problem != null) {
      throw EdgeException.badRequest("invalid file path: " + shorten(problem)).with("part", "path");
    }
    return Optional.of(new Target.SharedFile(user, path));
  }

  private static Optional<Target> calls(String[] s) {
    if (s.length < 2 || s.length > 3) {
      return Optional.empty();
    }
    Target.CallInfo.Part part;
    if (s.length == 2) {
      part = Target.CallInfo.Part.STATUS;
    } else if (s[2].equals("output")) {
      part = Target.CallInfo.Part.OUTPUT;
    } else if (s[2].equals("logs")) {
      part = Target.CallInfo.Part.LOGS;
    } else {
      return Optional.empty();
    }
    if (!CallIds.isValid(s[1])) {
      throw EdgeException.badRequest("invalid call id '" + shorten(s[1]) + "': must be 32 lowercase hex digits")
          .with("part", "callId");
    }
    return Optional.of(new Target.CallInfo(s[1], part));
  }

  private static Optional<Target> replays(String[] s) {
    if (s.length == 1) {
      return Optional.of(new Target.Replays());
    }
    if (s.length != 2) {
      return Optional.empty();
    }
    if (!CallIds.isValid(s[1])) {
      throw EdgeException.badRequest("invalid replay id '" + shorten(s[1]) + "': must be 32 lowercase hex digits")
          .with("part", "replayId");
    }
    return Optional.of(new Target.ReplayInfo(s[1]));
  }

  private static String name(String kind, String value) {
    if (!Names.isValid(value)) {
      String why = value.isEmpty()
          ? "must not be empty"
          : value.length() > Names.MAX_LENGTH
              ? "longer than " + Names.MAX_LENGTH + " characters"
              : "must match [A-Za-z0-9_-]{1," + Names.MAX_LENGTH + "}";
      throw EdgeException.badRequest("invalid " + kind + " name '" + shorten(value) + "': " + why)
          .with("part", kind);
    }
    return value;
  }

  /** Keeps error messages bounded when a client sends a huge path or path segment. */
  static String shorten(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }
}
