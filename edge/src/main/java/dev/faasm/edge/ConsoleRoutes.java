package dev.faasm.edge;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * The console's routes, in front of the {@link Router}: the single page at {@code /ui/} (static files from the edge's
 * resources, {@code dev/faasm/edge/ui/}; nothing to build, public) and the read API of {@link ConsoleApi}, which
 * needs a key as the router's routes do: a user's key sees that user's calls and statistics only. Every other
 * request goes on to the router unchanged.
 */
final class ConsoleRoutes implements HttpHandler {
  private final HttpHandler next;
  private final ConsoleApi api;
  private final Tenants tenants;
  private final ResourceHandler files;

  ConsoleRoutes(HttpHandler next, ConsoleApi api, Tenants tenants) {
    this.next = next;
    this.api = api;
    this.tenants = tenants;
    this.files = new ResourceHandler(
        new ClassPathResourceManager(ConsoleRoutes.class.getClassLoader(), "dev/faasm/edge/ui"))
        .setWelcomeFiles("index.html")
        .setDirectoryListingEnabled(false)
        .setCacheTime(0);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRelativePath();
    boolean get = exchange.getRequestMethod().equals(Methods.GET);
    if (path.equals("/ui")) {
      route(exchange, "console");
      exchange.setStatusCode(302);
      exchange.getResponseHeaders().put(Headers.LOCATION, "/ui/");
      exchange.endExchange();
    } else if (path.startsWith("/ui/")) {
      route(exchange, "console");
      if (!get && !exchange.getRequestMethod().equals(Methods.HEAD)) {
        throw EdgeException.methodNotAllowed(exchange.getRequestMethod().toString(), path,
            java.util.List.of("GET", "HEAD"));
      }
      exchange.setRelativePath(path.substring("/ui".length()));
      exchange.dispatch(Dispatch.worker(exchange), files);
    } else if (get && (path.equals("/calls") || path.equals("/calls/"))) {
      route(exchange, "callList");
      api.list(exchange, tenants.authenticate(exchange), tenants);
    } else if (get && path.startsWith("/calls/") && path.endsWith("/tree")
        && path.length() > "/calls//tree".length()) {
      route(exchange, "callTree");
      api.tree(exchange, path.substring("/calls/".length(), path.length() - "/tree".length()),
          tenants.authenticate(exchange));
    } else if (get && path.startsWith("/stats/") && path.indexOf('/', "/stats/".length()) < 0) {
      route(exchange, "stats");
      String user = path.substring("/stats/".length());
      tenants.requireUser(tenants.authenticate(exchange), user);
      api.stats(exchange, user);
    } else {
      next.handleRequest(exchange);
    }
  }

  private static void route(HttpServerExchange exchange, String name) {
    exchange.putAttachment(EdgeMetrics.ROUTE, EdgeMetrics.Route.of(name));
  }
}
