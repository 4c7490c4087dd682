package dev.faasm.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples of a JFR recording: the hottest methods by self time, and by inclusive time the
 * platform's and Chicory's methods. Usage: {@code JfrTop <recording.jfr> [thread-name-prefix]}.
 */
public final class JfrTop {
  private JfrTop() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: JfrTop <recording.jfr> [thread-name-prefix]");
      System.exit(2);
    }
    String threadPrefix = args.length > 1 ? args[1] : "";
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    int samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
      if (thread == null || !thread.startsWith(threadPrefix)) {
        continue;
      }
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      samples++;
      self.merge(name(frames.get(0)), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        String n = name(f);
        if (seen.add(n)) {
          inclusive.merge(n, 1, Integer::sum);
        }
      }
    }
    System.out.printf("%d samples%s%n%nself time:%n", samples,
        threadPrefix.isEmpty() ? "" : " on threads " + threadPrefix + "*");
    print(self, samples, 20, n -> true);
    System.out.printf("%ninclusive time (dev.faasm, com.dylibso):%n");
    print(inclusive, samples, 30, n -> n.startsWith("dev.faasm") || n.startsWith("com.dylibso"));
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void print(Map<String, Integer> counts, int total, int limit,
      java.util.function.Predicate<String> keep) {
    counts.entrySet().stream()
        .filter(e -> keep.test(e.getKey()))
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
  }
}
