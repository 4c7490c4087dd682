package dev.faasm.cli;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Output for people: aligned tables, sizes and times, and colour only when stdout is a terminal (and {@code NO_COLOR}
 * is not set).
 */
final class Human {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

  private Human() {}

  /** Whether stdout (and stdin) are a terminal: the JVM has a console. */
  static boolean terminal() {
    return System.console() != null;
  }

  static boolean colour() {
    return terminal() && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
  }

  /** The call status in its colour: green succeeded, red failed, yellow otherwise. */
  static String status(String status, boolean colour) {
    if (!colour || status == null) {
      return String.valueOf(status);
    }
    String code = switch (status) {
      case "succeeded" -> "32";
      case "failed" -> "31";
      default -> "33";
    };
    return "\u001b[" + code + "m" + status + "\u001b[0m";
  }

  /** Columns padded to their widest cell (colour codes not counted), two spaces apart, a newline after each row. */
  static String table(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], visible(row.get(i)));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i) == null ? "" : row.get(i);
        line.append(cell);
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - visible(cell) + 2));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  /** Key/value lines with the keys padded to the longest, skipping null values. */
  static String fields(List<String[]> pairs) {
    int width = pairs.stream().filter(p -> p[1] != null).mapToInt(p -> p[0].length()).max().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String[] p : pairs) {
      if (p[1] != null) {
        sb.append(p[0]).append(" ".repeat(width - p[0].length() + 2)).append(p[1]).append('\n');
      }
    }
    return sb.toString();
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }

  /** An ISO-8601 instant from the API in local time, or null for null. */
  static String time(Object iso) {
    if (iso == null) {
      return null;
    }
    try {
      return TIME.format(Instant.parse(iso.toString()));
    } catch (RuntimeException e) {
      return iso.toString();
    }
  }

  /** The bytes as text when they are valid UTF-8. */
  static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** A one-line progress bar: {@code [#####.....]  52%  12.0 MiB / 23.1 MiB}. */
  static String bar(long done, long total, String unit) {
    int width = 30;
    double f = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(f * width);
    String amounts = unit.equals("bytes") ? size(done) + " / " + size(total) : done + " / " + total + " " + unit;
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] "
        + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(f * 100)) + "  " + amounts;
  }

  /** Visible width: ANSI colour sequences take no room. */
  static int visible(String s) {
    return s == null ? 0 : s.replaceAll("\u001b\\[[0-9;]*m", "").length();
  }
}
