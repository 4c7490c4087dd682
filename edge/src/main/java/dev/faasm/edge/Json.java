package dev.faasm.edge;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * A tiny JSON writer: objects keep insertion order; values are strings, numbers, booleans, null, nested {@link Json}
 * objects, collections and maps. Strings are escaped so that any Java string, unpaired surrogates included, becomes
 * valid JSON.
 */
final class Json {
  private final StringBuilder out = new StringBuilder(64).append('{');
  private boolean empty = true;

  private Json() {}

  static Json object() {
    return new Json();
  }

  Json put(String key, Object value) {
    if (!empty) {
      out.append(',');
    }
    empty = false;
    quote(out, key);
    out.append(':');
    value(out, value);
    return this;
  }

  /** Adds the field only when {@code value} is not null. */
  Json putIfPresent(String key, Object value) {
    return value == null ? this : put(key, value);
  }

  @Override
  public String toString() {
    return out + "}";
  }

  byte[] toBytes() {
    return toString().getBytes(StandardCharsets.UTF_8);
  }

  static String array(Collection<?> values) {
    StringBuilder sb = new StringBuilder();
    value(sb, values);
    return sb.toString();
  }

  private static void value(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Json j) {
      sb.append(j);
    } else if (v instanceof CharSequence s) {
      quote(sb, s);
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())
        || v instanceof Float f && (f.isNaN() || f.isInfinite())) {
      sb.append("null");
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Collection<?> c) {
      sb.append('[');
      boolean first = true;
      for (Object item : c) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        value(sb, item);
      }
      sb.append(']');
    } else if (v instanceof Map<?, ?> m) {
      Json j = object();
      m.forEach((k, item) -> j.put(String.valueOf(k), item));
      sb.append(j);
    } else if (v instanceof Enum<?> e) {
      quote(sb, e.name());
    } else {
      quote(sb, v.toString());
    }
  }

  static String quote(CharSequence s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    quote(sb, s);
    return sb.toString();
  }

  private static void quote(StringBuilder sb, CharSequence s) {
    sb.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            unicode(sb, c);
          } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            sb.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unicode(sb, c);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static void unicode(StringBuilder sb, char c) {
    sb.append("\\u");
    String hex = Integer.toHexString(c);
    sb.append("0".repeat(4 - hex.length())).append(hex);
  }
}
