package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void objectKeepsFieldOrderAndTypes() {
    String json = Json.object().put("s", "x").put("n", 42).put("b", true).put("z", null).put("l", 7L).toString();
    assertEquals("{\"s\":\"x\",\"n\":42,\"b\":true,\"z\":null,\"l\":7}", json);
  }

  @Test
  void emptyObjectAndArray() {
    assertEquals("{}", Json.object().toString());
    assertEquals("[]", Json.array(List.of()));
  }

  @Test
  void quotesAndBackslashesAreEscaped() {
    assertEquals("\"a\\\"b\\\\c/d\"", Json.quote("a\"b\\c/d"));
  }

  @Test
  void controlCharactersAreEscaped() {
    assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f\"", Json.quote("\n\r\t\b\f\u0000\u001f\u007f"));
  }

  @Test
  void lineSeparatorsAreEscapedForJavaScript() {
    assertEquals("\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"));
  }

  @Test
  void nonAsciiPassesThroughAndPairedSurrogatesStayTogether() {
    assertEquals("\"é€😀\"", Json.quote("é€😀"));
  }

  @Test
  void unpairedSurrogatesAreEscaped() {
    assertEquals("\"\\ud800x\\udc00\"", Json.quote("\ud800x\udc00"));
  }

  @Test
  void keysAreEscapedToo() {
    assertEquals("{\"a\\\"b\":1}", Json.object().put("a\"b", 1).toString());
  }

  @Test
  void nestedValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", List.of(1, "two"));
    String json = Json.object().put("o", Json.object().put("x", 1)).put("m", m).put("a", List.of("env.x")).toString();
    assertEquals("{\"o\":{\"x\":1},\"m\":{\"k\":[1,\"two\"]},\"a\":[\"env.x\"]}", json);
  }

  @Test
  void nonFiniteNumbersBecomeNull() {
    assertEquals("{\"x\":null,\"y\":1.5}", Json.object().put("x", Double.NaN).put("y", 1.5).toString());
  }

  @Test
  void putIfPresentSkipsNull() {
    assertEquals("{\"a\":1}", Json.object().putIfPresent("a", 1).putIfPresent("b", null).toString());
  }

  @Test
  void bytesAreUtf8() {
    assertEquals("{\"é\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
        Json.object().put("é", 1).toBytes().length);
  }
}
