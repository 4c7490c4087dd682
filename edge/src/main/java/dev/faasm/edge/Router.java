package dev.faasm.edge;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Optional;

/**
 * The edge's routes. Runs on the IO thread: it only parses the path, checks the method and hands over; handlers
 * that block dispatch to a worker. Errors thrown here are answered by the exception handler around it ({@link Errors}).
 *
 * <pre>
 * POST   /f/&lt;user&gt;/&lt;function&gt;/   invoke and wait        200 output | 500 failed | 504 still running
 * POST   /fa/&lt;user&gt;/&lt;function&gt;/  invoke, don't wait      202 + Location
 * PUT    /f/&lt;user&gt;/&lt;function&gt;/   upload a module        201 new | 200 replaced | 400 invalid | 413
 * GET    /f/&lt;user&gt;/&lt;function&gt;/   describe a function    200 | 404
 * DELETE /f/&lt;user&gt;/&lt;function&gt;/   delete a function      204 | 404
 * GET    /f/&lt;user&gt;/              list functions         200 [...]
 * PUT    /file/&lt;user&gt;/&lt;path&gt;        store a shared file    201 new | 200 replaced | 400 | 413
 * GET    /file/&lt;user&gt;/&lt;path&gt;        read a shared file     200 | 404
 * DELETE /file/&lt;user&gt;/&lt;path&gt;        delete a shared file   204 | 404
 * GET    /file/&lt;user&gt;/              list shared files      200 [...]
 * GET    /calls/&lt;id&gt;[/output|/logs] a call              200 | 404 | 409 not finished
 * POST   /replays                      start a replay         202 + Location | 400 | 404 target function | 413
 * GET    /replays/&lt;id&gt;                 a replay's report      200 | 404
 * GET    /health, /ready                                   200 | 503
 * HEAD   any GET route: the GET answer without its body
 * </pre>
 *
 * <p>Every route under {@code /f/}, {@code /fa/}, {@code /calls/} and {@code /replays} is checked by {@link Tenants}
 * (API key, ownership) before it is handed over.
 */
final class Router implements HttpHandler {
  private final InvokeHandler invoke;
  private final FunctionHandlers functions;
  private final FileHandlers files;
  private final CallQueries calls;
  private final ReplayHandlers replays;
  private final Readiness readiness;
  private final dev.faasm.metrics.PlatformMetrics metrics;
  private final Tenants tenants;

  Router(
      InvokeHandler invoke, FunctionHandlers functions, CallQueries calls, ReplayHandlers replays,
      Readiness readiness, dev.faasm.metrics.PlatformMetrics metrics, Tenants tenants, FileHandlers files) {
    this.tenants = tenants;
    this.files = files;
    this.metrics = metrics;
    this.invoke = invoke;
    this.functions = functions;
    this.calls = calls;
    this.replays = replays;
    this.readiness = readiness;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    String path = exchange.getRelativePath();
    Optional<Target> parsed = RequestPath.parse(path);
    if (parsed.isEmpty()) {
      throw EdgeException.notFound("no route for " + exchange.getRequestMethod() + " " + RequestPath.shorten(path));
    }
    Target target = parsed.get();
    String method = exchange.getRequestMethod().toString();
    if (method.equals("HEAD") && target.methods().contains("GET")) {
      method = "GET"; // answered as GET; Undertow sends the headers (Content-Length included) without the body
    }
    exchange.putAttachment(EdgeMetrics.ROUTE, route(target, method));
    if (!target.methods().contains(method)) {
      throw EdgeException.methodNotAllowed(method, RequestPath.shorten(path), target.methods());
    }
    authorize(exchange, target);
    if (target instanceof Target.Function f) {
      function(exchange, method, f);
    } else if (target instanceof Target.Upload up) {
      functions.upload(exchange, up.asFunction());
    } else if (target instanceof Target.UserFunctions u) {
      functions.list(exchange, u);
    } else if (target instanceof Target.SharedFile f) {
      files.handle(exchange, method, f);
    } else if (target instanceof Target.UserFiles u) {
      files.list(exchange, u);
    } else if (target instanceof Target.CallInfo c) {
      calls.get(exchange, c, exchange.getAttachment(CALLER));
    } else if (target instanceof Target.Replays) {
      replays.submit(exchange);
    } else if (target instanceof Target.ReplayInfo r) {
      replays.get(exchange, r);
    } else if (target instanceof Target.Health) {
      readiness.health(exchange);
    } else if (target instanceof Target.Ready) {
      readiness.ready(exchange);
    } else if (target instanceof Target.Metrics) {
      Dispatch.toWorker(exchange, () -> {
        byte[] text = metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Dispatch.toIoThread(exchange,
            () -> Responses.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", text));
      });
    }
  }

  private static final io.undertow.util.AttachmentKey<Tenants.Caller> CALLER =
      io.undertow.util.AttachmentKey.create(Tenants.Caller.class);

  /** Checks the key and what it may do (401, 403); a call's ownership is checked once it is found. */
  private void authorize(HttpServerExchange exchange, Target target) {
    if (target instanceof Target.Health || target instanceof Target.Ready || target instanceof Target.Metrics) {
      return;
    }
    Tenants.Caller caller = tenants.authenticate(exchange);
    exchange.putAttachment(CALLER, caller);
    if (target instanceof Target.Function f) {
      tenants.requireUser(caller, f.user());
    } else if (target instanceof Target.Upload up) {
      tenants.requireUser(caller, up.user());
    } else if (target instanceof Target.UserFunctions u) {
      tenants.requireUser(caller, u.user());
    } else if (target instanceof Target.SharedFile f) {
      tenants.requireUser(caller, f.user());
    } else if (target instanceof Target.UserFiles u) {
      tenants.requireUser(caller, u.user());
    } else if (target instanceof Target.Replays || target instanceof Target.ReplayInfo) {
      tenants.requireAdmin(caller, "replaying calls");
    }
  }

  /** The route's name for metrics (a fixed set, never the path itself), with the function it is about. */
  private static EdgeMetrics.Route route(Target target, String method) {
    if (target instanceof Target.Function f) {
      String name = switch (method) {
        case "POST" -> f.async() ? "invoke_async" : "invoke";
        case "PUT" -> "upload";
        default -> "function";
      };
      return new EdgeMetrics.Route(name, f.user(), f.function());
    }
    if (target instanceof Target.Upload up) {
      return new EdgeMetrics.Route("upload", up.asFunction().user(), up.asFunction().function());
    }
    String name = target.getClass().getSimpleName();
    return EdgeMetrics.Route.of(name.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + name.substring(1));
  }

  private void function(HttpServerExchange exchange, String method, Target.Function f) {
    switch (method) {
      case "POST" -> invoke.invoke(exchange, f);
      case "PUT" -> functions.upload(exchange, f);
      case "GET" -> functions.describe(exchange, f);
      case "DELETE" -> functions.delete(exchange, f);
      default -> throw EdgeException.methodNotAllowed(method, exchange.getRelativePath(), f.methods());
    }
  }
}
