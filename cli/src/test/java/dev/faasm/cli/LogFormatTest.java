package dev.faasm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/** The CLI's logging configuration: text by default, one JSON object per line with the MDC on demand. */
class LogFormatTest {
  @Test
  void jsonFormatWritesOneObjectPerLineWithTheCallsFields() throws Exception {
    String text = logWith("json");
    String line = text.lines().filter(l -> l.contains("a line about a call")).findFirst().orElseThrow();
    assertTrue(line.startsWith("{") && line.endsWith("}"), line);
    assertTrue(line.contains("\"callId\":\"0123456789abcdef\""), line);
    assertTrue(line.contains("\"message\":\"a line about a call\""), line);
    assertTrue(line.contains("\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\""), line);
    assertTrue(line.contains("\"level\":\"INFO\""), line);
  }

  @Test
  void textFormatIsTheDefault() throws Exception {
    String text = logWith(null);
    String line = text.lines().filter(l -> l.contains("a line about a call")).findFirst().orElseThrow();
    assertTrue(line.contains("INFO") && !line.startsWith("{"), line);
  }

  private static String logWith(String format) throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    context.start();
    try {
      if (format != null) {
        context.putProperty("FAASM_LOG_FORMAT", format);
      }
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      Logger log = context.getLogger("dev.faasm.processor.Test");
      MDC.put("callId", "0123456789abcdef");
      MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
      log.info("a line about a call");
    } finally {
      MDC.clear();
      context.stop();
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
