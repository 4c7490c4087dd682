package dev.faasm.edge;

import java.util.Set;

/** What a request path names, after its names and ids were validated. */
sealed interface Target {
  Set<String> GET = Set.of("GET");

  /** Methods this target answers; anything else is 405. */
  Set<String> methods();

  /** {@code /file/<user>/}: the user's shared files. */
  record UserFiles(String user) implements Target {
    @Override
    public Set<String> methods() {
      return GET;
    }
  }

  /** {@code /file/<user>/<path>}: one shared file (upload, read, delete). */
  record SharedFile(String user, String path) implements Target {
    private static final Set<String> METHODS = Set.of("PUT", "GET", "DELETE");

    @Override
    public Set<String> methods() {
      return METHODS;
    }
  }

  /** {@code /f/<user>/}: the user's functions. */
  record UserFunctions(String user) implements Target {
    @Override
    public Set<String> methods() {
      return GET;
    }
  }

  /** {@code /f/<user>/<function>/} (invoke, upload, describe, delete) or {@code /fa/...} (invoke asynchronously). */
  record Function(String user, String function, boolean async) implements Target {
    private static final Set<String> SYNC = Set.of("POST", "PUT", "GET", "DELETE");
    private static final Set<String> ASYNC = Set.of("POST");

    @Override
    public Set<String> methods() {
      return async ? ASYNC : SYNC;
    }

    String qualifiedName() {
      return user + "/" + function;
    }
  }

  /**
   * {@code PUT /f/<user>/<function>/<file>}: an upload where the client appended the local file name, as
   * {@code curl -T file URL/} does when the URL ends with a slash. The file name is ignored.
   */
  record Upload(String user, String function) implements Target {
    private static final Set<String> PUT = Set.of("PUT");

    @Override
    public Set<String> methods() {
      return PUT;
    }

    Function asFunction() {
      return new Function(user, function, false);
    }
  }

  /** {@code /calls/<id>}, {@code /calls/<id>/output} or {@code /calls/<id>/logs}. */
  record CallInfo(String callId, Part part) implements Target {
    enum Part {
      STATUS,
      OUTPUT,
      LOGS
    }

    @Override
    public Set<String> methods() {
      return GET;
    }
  }

  /** {@code /replays}: start a replay of recorded calls. */
  record Replays() implements Target {
    private static final Set<String> POST = Set.of("POST");

    @Override
    public Set<String> methods() {
      return POST;
    }
  }

  /** {@code /replays/<id>}: a replay's latest report. */
  record ReplayInfo(String replayId) implements Target {
    @Override
    public Set<String> methods() {
      return GET;
    }
  }

  /** {@code /health}: the process is up. */
  record Health() implements Target {
    @Override
    public Set<String> methods() {
      return GET;
    }
  }

  /** {@code /metrics}: the process's metrics in Prometheus' text format. */
  record Metrics() implements Target {
    @Override
    public Set<String> methods() {
      return GET;
    }
  }

  /** {@code /ready}: Kafka, Redis and the function registry are usable. */
  record Ready() implements Target {
    @Override
    public Set<String> methods() {
      return GET;
    }
  }
}
