package dev.faasm.cli;

import java.time.Duration;
import java.util.List;

/**
 * One fault applied to a {@link NemesisCluster}: {@link #apply} injects it, holds it and lifts it, returning when the
 * fault began and when it ended (for recovery times).
 */
interface Nemesis {
  /** What the report calls this nemesis. */
  String name();

  /** Injects the fault and lifts it; returns its window in epoch milliseconds. */
  Window apply(NemesisCluster cluster) throws Exception;

  /** When a fault began and ended (equal for an instant fault such as SIGKILL). */
  record Window(long beganMillis, long endedMillis) {}

  /**
   * SIGKILL of the processor that joined first, then a replacement JVM; the window ends at the kill (the moment the
   * failure is complete), and this returns once the replacement is RUNNING.
   */
  static Nemesis killProcessor() {
    return new Nemesis() {
      @Override
      public String name() {
        return "SIGKILL processor (+ replacement)";
      }

      @Override
      public Window apply(NemesisCluster cluster) throws Exception {
        NemesisCluster.Processor victim = cluster.processors().get(0);
        long at = System.currentTimeMillis();
        cluster.kill(victim);
        cluster.startProcessor();
        return new Window(at, at);
      }
    };
  }

  /**
   * SIGSTOP of a processor JVM for {@code pause}, then SIGCONT. Longer than the consumer session timeout (10 s) its
   * tasks move to another processor while it is frozen, and it wakes up as a zombie holding claimed calls.
   */
  static Nemesis pauseProcessor(Duration pause) {
    return new Nemesis() {
      @Override
      public String name() {
        return "SIGSTOP processor " + pause.toSeconds() + " s";
      }

      @Override
      public Window apply(NemesisCluster cluster) throws Exception {
        List<NemesisCluster.Processor> live = cluster.processors();
        NemesisCluster.Processor victim = live.get(live.size() - 1);
        long began = System.currentTimeMillis();
        cluster.stop(victim.pid());
        Thread.sleep(pause.toMillis());
        cluster.cont(victim.pid());
        return new Window(began, System.currentTimeMillis());
      }
    };
  }

  /** SIGSTOP of redis-server for {@code pause}, then SIGCONT: every Redis client blocks, nothing is lost. */
  static Nemesis pauseRedis(Duration pause) {
    return new Nemesis() {
      @Override
      public String name() {
        return "SIGSTOP redis-server " + pause.toSeconds() + " s";
      }

      @Override
      public Window apply(NemesisCluster cluster) throws Exception {
        long pid = cluster.redisPid();
        long began = System.currentTimeMillis();
        cluster.stop(pid);
        Thread.sleep(pause.toMillis());
        cluster.cont(pid);
        return new Window(began, System.currentTimeMillis());
      }
    };
  }

  /** {@code SHUTDOWN NOSAVE}: redis-server exits and the supervisor starts an empty one on the same port. */
  static Nemesis restartRedisEmpty() {
    return new Nemesis() {
      @Override
      public String name() {
        return "redis-server restarted empty";
      }

      @Override
      public Window apply(NemesisCluster cluster) throws Exception {
        long began = System.currentTimeMillis();
        cluster.restartRedisEmpty();
        return new Window(began, System.currentTimeMillis());
      }
    };
  }
}
