package dev.faasm.runtime;

import java.util.HashMap;
import java.util.Map;

/**
 * Configuration flags a guest reads with {@code __faasm_conf_flag(key)}: {@code ALWAYS_ON} is 1, {@code ALWAYS_OFF}
 * 0, the flags of {@code FAASM_CONF_FLAGS} (comma separated {@code NAME} = 1 or {@code NAME=value}) what they say,
 * and every other flag 0, as in Faasm.
 */
record ConfFlags(Map<String, Integer> flags) {
  /** The flags of this process ({@code FAASM_CONF_FLAGS}). */
  static final ConfFlags PROCESS = parse(System.getenv("FAASM_CONF_FLAGS"));

  ConfFlags {
    flags = Map.copyOf(flags);
  }

  /** The flag's value; 0 for a flag nobody set. */
  int get(String key) {
    return flags.getOrDefault(key, 0);
  }

  /**
   * @param spec {@code NAME[=value],...}; {@code null} or blank = only the built-in flags
   * @throws IllegalArgumentException naming a malformed entry
   */
  static ConfFlags parse(String spec) {
    Map<String, Integer> flags = new HashMap<>();
    flags.put("ALWAYS_ON", 1);
    flags.put("ALWAYS_OFF", 0);
    if (spec != null && !spec.isBlank()) {
      for (String entry : spec.split(",")) {
        String e = entry.trim();
        if (e.isEmpty()) {
          continue;
        }
        int eq = e.indexOf('=');
        String name = eq < 0 ? e : e.substring(0, eq).trim();
        if (name.isEmpty()) {
          throw new IllegalArgumentException("FAASM_CONF_FLAGS: entry '" + e + "' has no name");
        }
        try {
          flags.put(name, eq < 0 ? 1 : Integer.parseUnsignedInt(e.substring(eq + 1).trim()));
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException("FAASM_CONF_FLAGS: value of '" + name + "' is not an unsigned int", ex);
        }
      }
    }
    return new ConfFlags(flags);
  }
}
