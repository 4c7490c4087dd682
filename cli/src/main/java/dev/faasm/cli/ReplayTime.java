package dev.faasm.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A time given to {@code faasm replay --from/--to}: an ISO-8601 instant ({@code 2026-12-01T10:00:00Z}) or a time
 * relative to now, {@code -<n><unit>} with unit {@code s}, {@code m}, {@code h} or {@code d} ({@code -15m} = 15
 * minutes ago). Relative times are resolved when the request is built.
 *
 * @param instant the absolute time, or null when relative
 * @param ago how long before now, or null when absolute
 */
record ReplayTime(Instant instant, Duration ago) {
  private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,9})([smhd])");

  ReplayTime {
    if ((instant == null) == (ago == null)) {
      throw new IllegalArgumentException("a replay time is either absolute or relative");
    }
  }

  /**
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  static ReplayTime parse(String value) {
    Objects.requireNonNull(value, "value");
    Matcher m = RELATIVE.matcher(value.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration unit = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(1);
        case "m" -> Duration.ofMinutes(1);
        case "h" -> Duration.ofHours(1);
        default -> Duration.ofDays(1);
      };
      return new ReplayTime(null, unit.multipliedBy(n));
    }
    try {
      return new ReplayTime(Instant.parse(value.trim()), null);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + value + "' is neither an ISO-8601 instant (2026-12-01T10:00:00Z) nor a "
          + "relative time (-30s, -15m, -2h, -1d)");
    }
  }

  Instant resolve(Instant now) {
    return instant != null ? instant : now.minus(ago);
  }

  /** For picocli: a malformed time is a usage error (exit code 2). */
  static final class Converter implements ITypeConverter<ReplayTime> {
    @Override
    public ReplayTime convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
