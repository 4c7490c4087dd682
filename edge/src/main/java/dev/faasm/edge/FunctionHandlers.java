package dev.faasm.edge;

import dev.faasm.protocol.FunctionMeta;
import dev.faasm.protocol.StoredModule;
import dev.faasm.registry.FunctionRegistry;
import dev.faasm.runtime.FunctionRuntime;
import dev.faasm.runtime.ModuleInfo;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Function management: {@code PUT /f/<user>/<function>/} uploads a module, {@code GET} describes one, {@code GET
 * /f/<user>/} lists a user's functions, {@code DELETE} removes one.
 *
 * <p>A function is described as {@code {"user", "function", "digest", "size", "uploadedAt"}} (uploadedAt in ISO-8601
 * UTC). The upload answer adds what validation learned: {@code "entry"} and {@code "stubbedImports"} (the registry does
 * not keep those, so listings don't show them).
 */
final class FunctionHandlers {
  private static final Logger log = LoggerFactory.getLogger(FunctionHandlers.class);

  private final FunctionRegistry registry;
  private final FunctionRuntime runtime;
  private final int maxModuleBytes;
  private final Clock clock;
  private final io.micrometer.core.instrument.Timer validation;
  private final Tenants tenants;

  FunctionHandlers(
      FunctionRegistry registry, FunctionRuntime runtime, int maxModuleBytes, Clock clock,
      io.micrometer.core.instrument.Timer validation, Tenants tenants) {
    this.tenants = tenants;
    this.validation = validation;
    this.registry = registry;
    this.runtime = runtime;
    this.maxModuleBytes = maxModuleBytes;
    this.clock = clock;
  }

  /** The function's current version, or a 404 naming it. Never blocks (the registry is in memory). */
  static FunctionMeta require(FunctionRegistry registry, Target.Function target) {
    return registry.lookup(target.user(), target.function())
        .orElseThrow(() -> EdgeException.notFound("function " + target.qualifiedName() + " not found")
            .with("user", target.user())
            .with("function", target.function()));
  }

  /** PUT: reads the module without blocking, validates and compiles it on a worker, then publishes it. */
  void upload(HttpServerExchange exchange, Target.Function target) {
    Bodies.read(exchange, maxModuleBytes, "module", (ex, wasm) -> {
      if (wasm.length == 0) {
        throw EdgeException.badRequest("empty request body: expected a WebAssembly module");
      }
      Dispatch.toWorker(ex, () -> publish(ex, target, wasm));
    });
  }

  private void publish(HttpServerExchange exchange, Target.Function target, byte[] wasm) {
    tenants.checkStorage(registry, target.user(), target.function(), wasm.length);
    ModuleInfo info = validation.record(() -> runtime.validate(wasm));
    FunctionMeta meta = new FunctionMeta(target.user(), target.function(), info.digest(), wasm.length, clock.millis());
    // Created or replaced, and the upload time, are decided by the record's place on the functions topic: of many
    // concurrent uploads of one name exactly one is created, and the last one is what describe shows.
    // The classes compiled while validating go with the module, so that processors need not compile it again.
    Optional<StoredModule.Compiled> compiled = runtime.compiledClasses(info.digest())
        .map(c -> new StoredModule.Compiled(c.chicoryVersion(), c.cacheKey(), c.jar()));
    CompletableFuture<FunctionRegistry.Published> stored = registry.publishFunction(meta, wasm, compiled);
    stored.whenComplete((published, error) -> Dispatch.toIoThread(exchange, () -> {
      if (error != null) {
        Errors.send(exchange, EdgeException.unavailable(
            "function registry unavailable: cannot store " + target.qualifiedName() + ": "
                + Errors.unwrap(error).getMessage(), error));
        return;
      }
      log.info("uploaded {} ({} bytes, digest {})", target.qualifiedName(), wasm.length, info.digest());
      Json body = json(published.meta()).put("entry", info.entry().name())
          .put("stubbedImports", info.stubbedImports());
      Responses.json(exchange, published.created() ? 201 : 200, body);
    }));
  }

  /** GET one function. */
  void describe(HttpServerExchange exchange, Target.Function target) {
    Responses.json(exchange, 200, json(require(registry, target)));
  }

  /** GET a user's functions, sorted by name; [] when there are none. */
  void list(HttpServerExchange exchange, Target.UserFunctions target) {
    List<Json> items = registry.list(target.user()).stream().map(FunctionHandlers::json).toList();
    Responses.jsonText(exchange, 200, Json.array(items));
  }

  /** DELETE: 204 once the removal is durable. The tombstone is sent from a worker (a send may wait for metadata). */
  void delete(HttpServerExchange exchange, Target.Function target) {
    require(registry, target);
    Dispatch.toWorker(exchange, () ->
        registry.delete(target.user(), target.function()).whenComplete((v, error) ->
            Dispatch.toIoThread(exchange, () -> {
              if (error != null) {
                Errors.send(exchange, EdgeException.unavailable(
                    "function registry unavailable: cannot delete " + target.qualifiedName() + ": "
                        + Errors.unwrap(error).getMessage(), error));
              } else {
                log.info("deleted {}", target.qualifiedName());
                Responses.empty(exchange, 204);
              }
            })));
  }

  static Json json(FunctionMeta m) {
    return Json.object()
        .put("user", m.user())
        .put("function", m.function())
        .put("digest", m.digest())
        .put("size", m.sizeBytes())
        .put("uploadedAt", CallJson.time(m.uploadedAtMillis()));
  }
}
