package dev.faasm.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code faasm replay} shows a report (the edge's JSON, parsed): a progress line, a summary and an exit code. */
final class ReplaySummary {
  static final int SHOWN_DIFFERENCES = 5;
  static final int OUTPUT_CHARS = 60;
  private static final int BAR_WIDTH = 24;

  private ReplaySummary() {}

  /** Whether the replay ended (done or failed). */
  static boolean finished(Map<String, Object> report) {
    Object state = report.get("state");
    return "done".equals(state) || "failed".equals(state);
  }

  /** 0 done; 1 failed, or {@code expectIdentical} and some output differs. */
  static int exitCode(Map<String, Object> report, boolean expectIdentical) {
    if (!"done".equals(report.get("state"))) {
      return 1;
    }
    return expectIdentical && number(report, "different") > 0 ? 1 : 0;
  }

  /** One line, without a line break: {@code [#####-----] 12/40 replayed, 12 identical, 0 different}. */
  static String progress(Map<String, Object> report) {
    Object state = report.get("state");
    long selected = number(report, "selected");
    long replayed = number(report, "replayed");
    if (!"running".equals(state) || selected == 0) {
      return "replay " + report.get("replayId") + " " + state;
    }
    int filled = (int) Math.min(BAR_WIDTH, replayed * BAR_WIDTH / selected);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] " + replayed + "/" + selected
        + " replayed, " + number(report, "identical") + " identical, " + number(report, "different") + " different";
  }

  /** Aligned {@code key value} lines, then the first differences; ends with a line break. */
  static String text(Map<String, Object> report) {
    Map<String, Object> request = map(report.get("request"));
    Map<String, Object> lines = new LinkedHashMap<>();
    lines.put("replay", report.get("replayId"));
    lines.put("state", report.get("state"));
    if (report.get("error") != null) {
      lines.put("error", report.get("error"));
    }
    lines.put("target", target(request));
    if (Boolean.TRUE.equals(request.get("dryRun"))) {
      lines.put("dry run", "yes (calls selected, none run)");
    }
    for (String key : List.of("selected", "replayed", "succeeded", "failed", "identical", "different", "skipped")) {
      lines.put(key, number(report, key));
    }
    lines.put("started", dash(report.get("startedAt")));
    lines.put("finished", dash(report.get("finishedAt")));
    lines.put("oldest call", dash(report.get("oldestReplayable")));
    lines.put("processor", dash(report.get("processor")));
    int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
    StringBuilder out = new StringBuilder();
    lines.forEach((k, v) -> out.append(k).append(" ".repeat(width - k.length())).append(v).append('\n'));

    List<Object> differences = report.get("differences") instanceof List<?> l ? new ArrayList<>(l) : List.of();
    if (!differences.isEmpty()) {
      long total = Math.max(number(report, "different"), differences.size());
      int shown = Math.min(SHOWN_DIFFERENCES, differences.size());
      out.append('\n').append("differences (").append(shown).append(" of ").append(total).append("):\n");
      for (Object d : differences.subList(0, shown)) {
        Map<String, Object> diff = map(d);
        out.append("  ").append(diff.get("callId")).append("  ").append(diff.get("function")).append('\n');
        out.append("    original  ").append(side(diff, "original")).append('\n');
        out.append("    replay    ").append(side(diff, "replay")).append('\n');
      }
    }
    return out.toString();
  }

  /** A call's state and output (or its error), the text quoted, escaped and cut at {@link #OUTPUT_CHARS}. */
  private static String side(Map<String, Object> diff, String which) {
    Object state = diff.get(which + "State");
    Object error = diff.get(which + "Error");
    String shown = error != null
        ? "error " + excerpt(error.toString())
        : excerpt(String.valueOf(diff.get(which + "Output")));
    return (state == null ? "-" : state) + "  " + shown;
  }

  static String excerpt(String text) {
    StringBuilder sb = new StringBuilder("\"");
    int chars = 0;
    for (int i = 0; i < text.length(); i++) {
      if (chars == OUTPUT_CHARS) {
        return sb.append("\"...").toString();
      }
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
      chars++;
    }
    return sb.append('"').toString();
  }

  private static String target(Map<String, Object> request) {
    Object target = request.getOrDefault("target", "original");
    if ("digest".equals(target)) {
      return "digest " + request.get("digest");
    }
    if ("function".equals(target)) {
      return "function " + request.get("user") + "/" + request.get("targetFunction");
    }
    return String.valueOf(target);
  }

  private static Object dash(Object v) {
    return v == null ? "-" : v;
  }

  static long number(Map<String, Object> report, String key) {
    return report.get(key) instanceof Number n ? n.longValue() : 0;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
