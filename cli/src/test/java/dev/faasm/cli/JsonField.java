package dev.faasm.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one top-level scalar field out of the edge's flat JSON answers. */
final class JsonField {
  private JsonField() {}

  static String get(String json, String field) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.eE]+|true|false|null)")
        .matcher(json);
    if (!m.find()) {
      throw new AssertionError("no field '" + field + "' in " + json);
    }
    return m.group(2) != null ? m.group(2) : m.group(1);
  }

  static java.time.Instant instant(String json, String field) {
    return java.time.Instant.parse(get(json, field));
  }

  static long number(String json, String field) {
    return Long.parseLong(get(json, field));
  }
}
