package dev.faasm.edge;

import dev.faasm.registry.SharedFiles;
import io.undertow.server.HttpServerExchange;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' shared files: {@code PUT /file/<user>/<path>} stores one (the body, at most {@link
 * SharedFiles#MAX_FILE_BYTES}), {@code GET} reads it, {@code DELETE} removes it, {@code GET /file/<user>/} lists them
 * as {@code [{"path", "size", "storedAt"}]}. The user's functions see them read-only at {@code /share/<path>}.
 */
final class FileHandlers {
  private static final Logger log = LoggerFactory.getLogger(FileHandlers.class);

  private final SharedFiles files;

  FileHandlers(SharedFiles files) {
    this.files = files;
  }

  void handle(HttpServerExchange exchange, String method, Target.SharedFile target) {
    switch (method) {
      case "PUT" -> put(exchange, target);
      case "GET" -> get(exchange, target);
      case "DELETE" -> delete(exchange, target);
      default -> throw EdgeException.methodNotAllowed(method, exchange.getRelativePath(), target.methods());
    }
  }

  /** GET a user's files, sorted by path; [] when there are none. */
  void list(HttpServerExchange exchange, Target.UserFiles target) {
    List<Json> items = files.list(target.user()).stream().map(FileHandlers::json).toList();
    Responses.jsonText(exchange, 200, Json.array(items));
  }

  private void put(HttpServerExchange exchange, Target.SharedFile target) {
    Bodies.read(exchange, SharedFiles.MAX_FILE_BYTES, "file", (ex, data) -> Dispatch.toWorker(ex, () -> {
      boolean replacing = files.entry(target.user(), target.path()).isPresent();
      java.util.concurrent.CompletableFuture<SharedFiles.Entry> stored;
      try {
        stored = files.put(target.user(), target.path(), data);
      } catch (SharedFiles.RejectedException e) {
        throw e.tooLarge()
            ? new EdgeException(413, e.getMessage())
            : EdgeException.badRequest(e.getMessage()).with("part", "path");
      }
      stored.whenComplete((entry, error) -> Dispatch.toIoThread(ex, () -> {
        if (error != null) {
          Errors.send(ex, EdgeException.unavailable("file store unavailable: cannot store " + describe(target) + ": "
              + Errors.unwrap(error).getMessage(), error));
          return;
        }
        log.info("stored shared file {} ({} bytes)", describe(target), data.length);
        Responses.json(ex, replacing ? 200 : 201, json(entry).put("user", target.user()));
      }));
    }));
  }

  private void get(HttpServerExchange exchange, Target.SharedFile target) {
    byte[] data = files.read(target.user(), target.path()).orElseThrow(() -> notFound(target));
    Responses.send(exchange, 200, Responses.BINARY, data);
  }

  private void delete(HttpServerExchange exchange, Target.SharedFile target) {
    if (files.entry(target.user(), target.path()).isEmpty()) {
      throw notFound(target);
    }
    Dispatch.toWorker(exchange, () ->
        files.delete(target.user(), target.path()).whenComplete((v, error) ->
            Dispatch.toIoThread(exchange, () -> {
              if (error != null) {
                Errors.send(exchange, EdgeException.unavailable("file store unavailable: cannot delete "
                    + describe(target) + ": " + Errors.unwrap(error).getMessage(), error));
              } else {
                log.info("deleted shared file {}", describe(target));
                Responses.empty(exchange, 204);
              }
            })));
  }

  private static EdgeException notFound(Target.SharedFile target) {
    return EdgeException.notFound("file " + describe(target) + " not found")
        .with("user", target.user())
        .with("path", target.path());
  }

  private static String describe(Target.SharedFile target) {
    return target.user() + "/" + target.path();
  }

  private static Json json(SharedFiles.Entry e) {
    return Json.object().put("path", e.path()).put("size", e.size()).put("storedAt", CallJson.time(e.storedAtMillis()));
  }
}
