package dev.faasm.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.ExceptionHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chunked bodies through {@link ChunkedFraming} and {@link Bodies} on a bare Undertow server (no platform needed). */
class ChunkedFramingTest {
  private Undertow server;
  private int port;

  @BeforeEach
  void start() {
    server = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setHandler(Handlers.exceptionHandler(new ChunkedFraming(exchange -> Bodies.read(exchange, 1 << 20, "input",
                (ex, body) -> Responses.send(ex, 200, Responses.TEXT, (body.length + ":" + new String(body,
                    StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1)))))
            .addExceptionHandler(Throwable.class, ex -> Errors.send(ex, ex.getAttachment(ExceptionHandler.THROWABLE))))
        .build();
    server.start();
    port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private RawHttp.Answer post(String chunks) throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
      return c.read(false);
    }
  }

  @Test
  void wellFormedChunksArriveWhole() throws Exception {
    RawHttp.Answer a = post("5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n");
    assertEquals(200, a.status(), a.body());
    assertEquals("16:hello 0123456789", a.body());
  }

  @Test
  void chunksSentByteByByteArriveWhole() throws Exception {
    String body = "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    try (RawHttp c = new RawHttp(port)) {
      c.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (char ch : body.toCharArray()) {
        c.send(String.valueOf(ch));
        Thread.sleep(2);
      }
      RawHttp.Answer a = c.read(false);
      assertEquals(200, a.status(), a.body());
      assertEquals("5:abcde", a.body());
    }
  }

  @Test
  void anInvalidChunkSizeIsAnswered400NamingIt() throws Exception {
    RawHttp.Answer a = post("ZZ\r\nhello\r\n0\r\n\r\n");
    assertEquals(400, a.status(), a.body());
    assertTrue(a.body().contains("malformed chunked body: invalid chunk size 'ZZ'"), a.body());
    assertEquals("close", a.headers().get("connection"));
  }

  @Test
  void anInvalidChunkSizeAfterGoodChunksIsAnswered400() throws Exception {
    RawHttp.Answer a = post("4\r\nabcd\r\n1Z\r\nhello\r\n0\r\n\r\n");
    assertEquals(400, a.status(), a.body());
    assertTrue(a.body().contains("invalid chunk size '1Z'"), a.body());
  }

  @Test
  void chunkDataLongerThanItsSizeIsAnswered400() throws Exception {
    RawHttp.Answer a = post("2\r\nabcd\r\n0\r\n\r\n");
    assertEquals(400, a.status(), a.body());
    assertTrue(a.body().contains("chunk data not followed by CRLF"), a.body());
  }

  @Test
  void sizeParsing() {
    assertEquals(10, ChunkedFraming.Checker.parseSize("a\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(255, ChunkedFraming.Checker.parseSize("FF;x=y\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, ChunkedFraming.Checker.parseSize("\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, ChunkedFraming.Checker.parseSize("5\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, ChunkedFraming.Checker.parseSize("-5\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, ChunkedFraming.Checker.parseSize("1000000000000000\r\n".getBytes(StandardCharsets.US_ASCII)));
  }
}
