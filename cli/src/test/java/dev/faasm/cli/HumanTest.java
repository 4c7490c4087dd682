package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HumanTest {
  @Test
  void tableAlignsColumnsIgnoringColourAndEndsEveryRowWithANewline() {
    String green = Human.status("succeeded", true);
    String table = Human.table(List.of("CALL", "STATUS", "MS"),
        List.of(List.of("0123456789abcdef", green, "12"), List.of("fedcba9876543210", "failed", "")));
    assertEquals(
        "CALL              STATUS     MS\n"
            + "0123456789abcdef  " + green + "  12\n"
            + "fedcba9876543210  failed\n",
        table);
  }

  @Test
  void fieldsSkipMissingValues() {
    assertEquals("call    1\nstatus  ok\n",
        Human.fields(List.of(new String[] {"call", "1"}, new String[] {"error", null}, new String[] {"status", "ok"})));
  }

  @Test
  void sizesBarsAndText() {
    assertEquals("512 B", Human.size(512));
    assertEquals("1.5 KiB", Human.size(1536));
    assertEquals("2.0 MiB", Human.size(2 * 1024 * 1024));
    assertEquals("[###############...............]  50%  1.0 MiB / 2.0 MiB",
        Human.bar(1024 * 1024, 2 * 1024 * 1024, "bytes"));
    assertEquals("hé", Human.utf8("hé".getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseThrow());
    assertEquals(true, Human.utf8(new byte[] {(byte) 0xff, 0}).isEmpty());
    assertEquals("succeeded", Human.status("succeeded", false));
  }
}
