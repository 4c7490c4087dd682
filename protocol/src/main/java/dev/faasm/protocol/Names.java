package dev.faasm.protocol;

import java.util.regex.Pattern;

/** The strict naming rule for users and functions: {@code [A-Za-z0-9_-]{1,64}}. */
public final class Names {
  public static final int MAX_LENGTH = 64;
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private Names() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** Returns {@code name} or throws naming what is wrong with it. */
  public static String require(String kind, String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "invalid " + kind + " name '" + name + "': must match [A-Za-z0-9_-]{1,64}");
    }
    return name;
  }
}
