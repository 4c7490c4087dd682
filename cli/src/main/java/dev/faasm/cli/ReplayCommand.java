package dev.faasm.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code faasm replay}: re-runs recorded calls and compares the new outputs with the original ones. Posts the request
 * to {@code POST /replays}, follows {@code GET /replays/<id>} until the replay is done or failed, then prints a summary
 * (or the final report with {@code --json}). See docs/replay.md.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Re-run recorded calls and compare their outputs with the original ones.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the replay is done (and, with --expect-identical, every output is identical)",
      "1:the replay failed, or --expect-identical and some output differs",
      "2:usage error, or the edge refused the request (HTTP 4xx)",
      "3:the edge is unreachable or answered an unexpected error"
    })
final class ReplayCommand implements Callable<Integer> {
  static final int DONE = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientCommands.Target edge;

  @Option(names = "--from", converter = ReplayTime.Converter.class, paramLabel = "TIME",
      description = "calls recorded at or after TIME: an ISO-8601 instant or relative (-30s, -15m, -2h, -1d)")
  ReplayTime from;

  @Option(names = "--to", converter = ReplayTime.Converter.class, paramLabel = "TIME",
      description = "calls recorded before TIME (exclusive); same forms as --from")
  ReplayTime to;

  @Option(names = "--partition", converter = PartitionConverter.class, paramLabel = "P:FROM[-TO]",
      description = "only calls-topic partition P from offset FROM (to TO, exclusive); repeatable")
  List<Partition> partitions = new ArrayList<>();

  @Option(names = "--user", description = "only calls of this user") String user;
  @Option(names = "--function", description = "only calls of this function") String function;

  @Option(names = "--outcome", converter = OutcomeConverter.class, paramLabel = "any|succeeded|failed",
      description = "only calls whose original result was this (default any)")
  String outcome;

  @Option(names = "--call-id", description = "only this call (a chained one too)") String callId;

  @Option(names = "--max", description = "at most this many calls, 1..100000 (edge default 10000)") Integer max;

  @Option(names = "--target", converter = TargetConverter.class,
      paramLabel = "original|current|digest:<hex>|function:<name>",
      description = "the module version to run: the call's own (default), the function's current one, a module "
          + "digest, or another function of the same user")
  Target target;

  @Option(names = "--rate", converter = RateConverter.class, paramLabel = "N[/s]",
      description = "at most N calls per second (default: as fast as live traffic allows)")
  Double rate;

  @Option(names = "--dry-run", description = "select and count the calls, run none") boolean dryRun;

  @Option(names = "--expect-identical", description = "exit 1 when any output differs")
  boolean expectIdentical;

  @Option(names = "--json", description = "print the final report as JSON") boolean json;

  @Option(names = "--poll-ms", defaultValue = "250",
      description = "how often to ask for progress (default ${DEFAULT-VALUE})")
  long pollMs;

  /** A calls-topic partition and an offset range; {@code toOffset} null = up to the end. */
  record Partition(int partition, long fromOffset, Long toOffset) {}

  /** {@code target} as the edge names it; {@code value} is the digest or the function, else null. */
  record Target(String kind, String value) {}

  /** The request body this command line stands for; relative times are taken from {@code now}. */
  String requestJson(Instant now) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (from != null) {
      body.put("from", from.resolve(now).truncatedTo(ChronoUnit.MILLIS).toString());
    }
    if (to != null) {
      body.put("to", to.resolve(now).truncatedTo(ChronoUnit.MILLIS).toString());
    }
    if (!partitions.isEmpty()) {
      body.put("partitions", partitions.stream().map(p -> {
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("partition", p.partition());
        range.put("fromOffset", p.fromOffset());
        if (p.toOffset() != null) {
          range.put("toOffset", p.toOffset());
        }
        return range;
      }).toList());
    }
    putIfSet(body, "user", user);
    putIfSet(body, "function", function);
    putIfSet(body, "outcome", outcome);
    putIfSet(body, "callId", callId);
    putIfSet(body, "max", max);
    if (target != null) {
      body.put("target", target.kind());
      if (target.kind().equals("digest")) {
        body.put("digest", target.value());
      } else if (target.kind().equals("function")) {
        body.put("targetFunction", target.value());
      }
    }
    putIfSet(body, "rate", rate);
    if (dryRun) {
      body.put("dryRun", true);
    }
    try {
      return JSON.std.asString(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the replay request as JSON", e);
    }
  }

  private static void putIfSet(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    if (pollMs < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--poll-ms must be at least 1, not " + pollMs);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> posted;
    try {
      posted = http.send(
          edge.request("/replays")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(requestJson(Instant.now())))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return unreachable(err, e);
    }
    if (posted.statusCode() != 202) {
      return refused(err, posted);
    }
    String last = posted.body();
    Map<String, Object> report = parse(last);
    if (report == null) {
      return unexpected(err, posted);
    }
    String id = String.valueOf(report.get("replayId"));
    boolean live = System.console() != null;
    String shown = "";
    while (!ReplaySummary.finished(report)) {
      if (live) {
        shown = showProgress(err, shown, ReplaySummary.progress(report));
      }
      Thread.sleep(pollMs);
      HttpResponse<String> polled;
      try {
        polled = http.send(edge.request("/replays/" + id).GET().build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        clear(err, shown);
        return unreachable(err, e);
      }
      if (polled.statusCode() == 404) {
        continue; // the edge could not store the queued report; the processor's reports follow
      }
      if (polled.statusCode() != 200) {
        clear(err, shown);
        return unexpected(err, polled);
      }
      Map<String, Object> newer = parse(polled.body());
      if (newer == null) {
        clear(err, shown);
        return unexpected(err, polled);
      }
      last = polled.body();
      report = newer;
    }
    clear(err, shown);
    if (json) {
      out.println(last.strip());
    } else {
      out.print(ReplaySummary.text(report));
    }
    out.flush();
    if ("failed".equals(report.get("state"))) {
      err.println("faasm replay: replay " + id + " failed: " + report.get("error"));
    } else if (expectIdentical && ReplaySummary.number(report, "different") > 0) {
      err.println("faasm replay: " + ReplaySummary.number(report, "different") + " of "
          + ReplaySummary.number(report, "replayed") + " replayed calls gave a different result");
    }
    err.flush();
    return ReplaySummary.exitCode(report, expectIdentical);
  }

  private static String showProgress(PrintWriter err, String shown, String line) {
    String padding = " ".repeat(Math.max(0, shown.length() - line.length()));
    err.print("\r" + line + padding);
    err.flush();
    return line;
  }

  private static void clear(PrintWriter err, String shown) {
    if (!shown.isEmpty()) {
      err.print("\r" + " ".repeat(shown.length()) + "\r");
      err.flush();
    }
  }

  private int unreachable(PrintWriter err, IOException e) {
    String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    err.println("faasm replay: cannot reach the edge at " + edge.url + ": " + why);
    err.flush();
    return UNREACHABLE;
  }

  /** A 4xx is the request's fault (a usage error); anything else is unexpected. */
  private static int refused(PrintWriter err, HttpResponse<String> r) {
    if (r.statusCode() >= 400 && r.statusCode() < 500) {
      err.println("faasm replay: the edge refused the request (HTTP " + r.statusCode() + "): " + error(r.body()));
      err.flush();
      return USAGE;
    }
    return unexpected(err, r);
  }

  private static int unexpected(PrintWriter err, HttpResponse<String> r) {
    err.println("faasm replay: unexpected answer from the edge (HTTP " + r.statusCode() + "): " + error(r.body()));
    err.flush();
    return UNREACHABLE;
  }

  /** The {@code "error"} of the edge's JSON error shape, else the body itself. */
  private static String error(String body) {
    try {
      Object message = JSON.std.mapFrom(body).get("error");
      if (message != null) {
        return message.toString();
      }
    } catch (IOException | RuntimeException e) {
      // Not the JSON error shape: show the body as it is.
    }
    return body.strip();
  }

  /** A report, or null when the body is not a JSON object with a replay id. */
  private static Map<String, Object> parse(String body) {
    try {
      Map<String, Object> report = JSON.std.mapFrom(body);
      return report != null && report.get("replayId") != null ? report : null;
    } catch (IOException e) {
      return null;
    }
  }

  static final class PartitionConverter implements ITypeConverter<Partition> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9}):(\\d{1,18})(?:-(\\d{1,18}))?");

    @Override
    public Partition convert(String value) {
      Matcher m = FORM.matcher(value);
      if (!m.matches()) {
        throw new TypeConversionException("'" + value + "' is not P:FROM[-TO] (e.g. 0:100 or 0:100-200)");
      }
      long fromOffset = Long.parseLong(m.group(2));
      Long toOffset = m.group(3) == null ? null : Long.parseLong(m.group(3));
      if (toOffset != null && toOffset <= fromOffset) {
        throw new TypeConversionException("in '" + value + "' TO must be above FROM (TO is exclusive)");
      }
      return new Partition(Integer.parseInt(m.group(1)), fromOffset, toOffset);
    }
  }

  static final class OutcomeConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!List.of("any", "succeeded", "failed").contains(value)) {
        throw new TypeConversionException("'" + value + "' is not one of any, succeeded, failed");
      }
      return value;
    }
  }

  static final class TargetConverter implements ITypeConverter<Target> {
    @Override
    public Target convert(String value) {
      if (value.equals("original") || value.equals("current")) {
        return new Target(value, null);
      }
      int colon = value.indexOf(':');
      String kind = colon < 0 ? value : value.substring(0, colon);
      if ((kind.equals("digest") || kind.equals("function")) && colon > 0 && colon < value.length() - 1) {
        return new Target(kind, value.substring(colon + 1));
      }
      throw new TypeConversionException(
          "'" + value + "' is not original, current, digest:<sha-256 hex> or function:<name>");
    }
  }

  static final class RateConverter implements ITypeConverter<Double> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,12})?)(?:/s)?");

    @Override
    public Double convert(String value) {
      Matcher m = FORM.matcher(value);
      if (!m.matches()) {
        throw new TypeConversionException("'" + value + "' is not a number of calls per second (e.g. 50, 0.5 or 50/s)");
      }
      double rate = Double.parseDouble(m.group(1));
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new TypeConversionException("the rate must be above 0 calls per second, not '" + value + "'");
      }
      return rate;
    }
  }
}
