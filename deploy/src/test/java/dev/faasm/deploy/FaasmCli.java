package dev.faasm.deploy;

import dev.faasm.cli.Faasm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the faasm CLI reads, taken from the application itself: the picocli model of {@link Faasm} (each server
 * option's default {@code ${env:NAME:-fallback}}), the variables its logging configuration substitutes, and
 * {@code System.getenv("NAME")} calls in the modules' main sources.
 */
final class FaasmCli {
  /** The subcommands that run a server in a pod. */
  static final Set<String> SERVER_ROLES = Set.of("edge", "processor");

  /**
   * Variables no faasm code reads but the process still does. Kept short and explicit, each with its reason. (There
   * is no FAASM_JAVA_OPTS: the image's ENTRYPOINT runs java directly, no script reads it.)
   */
  static final Map<String, String> RUNTIME_VARIABLES = Map.of(
      "JAVA_TOOL_OPTIONS", "read by the JVM itself at start-up; the image's ENTRYPOINT runs java directly");

  /** The option whose value is the port a role serves its API on (the edge's HTTP port). */
  static final String PORT_OPTION = "--port";

  /**
   * Variable prefixes read by a library the CLI configures from the environment, each with the class that must be on
   * the CLI's class path for the allowance to hold.
   */
  static final Map<String, String> LIBRARY_PREFIXES = Map.of(
      "OTEL_", "io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk");

  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?}",
      Pattern.DOTALL);
  private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?}");
  private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\\s*\"([A-Za-z_][A-Za-z0-9_]*)\"\\s*\\)");

  /** An option that falls back to an environment variable: {@code defaultValue = "${env:NAME:-fallback}"}. */
  record EnvOption(String option, String variable, String fallback) {}

  private FaasmCli() {}

  static CommandLine commandLine() {
    return new CommandLine(new Faasm());
  }

  static Set<String> subcommands() {
    return Sources.SUBCOMMANDS;
  }

  /** The options of a subcommand that an environment variable sets, as declared (not interpolated). */
  static List<EnvOption> envOptions(String role) {
    return ENV_OPTIONS.computeIfAbsent(role, FaasmCli::readEnvOptions);
  }

  private static final Map<String, List<EnvOption>> ENV_OPTIONS = new ConcurrentHashMap<>();

  private static List<EnvOption> readEnvOptions(String role) {
    CommandLine cli = commandLine();
    // Without interpolation defaultValue() is the declared text, not this JVM's own environment substituted in.
    cli.setInterpolateVariables(false);
    CommandLine sub = cli.getSubcommands().get(role);
    if (sub == null) {
      throw new IllegalArgumentException("faasm has no subcommand '" + role + "'; it has " + subcommands());
    }
    List<EnvOption> options = new ArrayList<>();
    for (OptionSpec option : sub.getCommandSpec().options()) {
      String declared = option.defaultValue();
      if (declared == null) {
        continue;
      }
      Matcher m = ENV_DEFAULT.matcher(declared.strip());
      if (m.matches()) {
        options.add(new EnvOption(option.longestName(), m.group(1), m.group(2)));
      } else if (declared.contains("${env:")) {
        throw new IllegalStateException("cannot read the variable of " + role + " " + option.longestName()
            + " from its default '" + declared + "'; expected ${env:NAME:-fallback}");
      }
    }
    return List.copyOf(options);
  }

  /** Every environment variable a server role reads, each with where it is read. */
  static Map<String, String> variablesRead(String role) {
    Map<String, String> read = new TreeMap<>();
    for (EnvOption o : envOptions(role)) {
      read.put(o.variable(), "faasm " + role + " " + o.option());
    }
    Sources.LOGBACK.forEach(v -> read.putIfAbsent(v, "logback.xml"));
    Sources.GETENV.forEach(read::putIfAbsent);
    return read;
  }

  /** Read once per test run. */
  private static final class Sources {
    static final Set<String> SUBCOMMANDS =
        Collections.unmodifiableSet(new TreeSet<>(commandLine().getSubcommands().keySet()));
    static final Set<String> LOGBACK = logbackVariables();
    static final Map<String, String> GETENV = getenvCalls();
  }

  /** Variables the CLI's logback.xml substitutes (logback looks them up in the environment). */
  static Set<String> logbackVariables() {
    String cliClasses = Faasm.class.getProtectionDomain().getCodeSource().getLocation().toString();
    URL config;
    try {
      // The one in the cli's own jar (or classes directory), whatever else on the class path has one.
      config = Collections.list(Faasm.class.getClassLoader().getResources("logback.xml")).stream()
          .filter(u -> u.toString().replaceFirst("^jar:", "").startsWith(cliClasses)).findFirst()
          .orElseThrow(() -> new IllegalStateException("no logback.xml in the cli's " + cliClasses));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look up logback.xml", e);
    }
    String xml;
    try (InputStream in = config.openStream()) {
      xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + config, e);
    }
    Set<String> names = new TreeSet<>();
    Matcher m = LOGBACK_VARIABLE.matcher(xml);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * {@code System.getenv("NAME")} in the main sources of the modules the server roles run (every module but bench
   * and this one). Not attributed to a role: such a read counts for both.
   */
  static Map<String, String> getenvCalls() {
    Path root = Repo.root();
    Map<String, String> found = new TreeMap<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
        String name = module.getFileName().toString();
        if (name.equals("bench") || name.equals("deploy")) {
          continue;
        }
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
          for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
            Matcher m = GETENV.matcher(Repo.read(file));
            while (m.find()) {
              found.putIfAbsent(m.group(1), root.relativize(file).toString());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the modules' sources under " + root, e);
    }
    if (!found.containsKey("FAASM_INSTANCE_ID")) {
      // Guards the scan itself: the CLI names each process after this variable (cli Servers.defaultInstanceId).
      throw new IllegalStateException("found no System.getenv(\"FAASM_INSTANCE_ID\") under " + root
          + "; has the way the CLI reads its environment changed? found: " + found);
    }
    return found;
  }

  /**
   * Parses a server container as the CLI would start it: the options its environment sets (or their fallbacks)
   * first, then the container's own arguments, which win as they do at run time. Independent of this JVM's
   * environment, since every environment-backed option is given explicitly.
   *
   * @throws CommandLine.ParameterException when a value or an argument is not accepted
   */
  static CommandSpec parse(List<String> args, Map<String, String> env) {
    if (args.isEmpty() || !SERVER_ROLES.contains(args.get(0))) {
      throw new IllegalArgumentException("not a server role: " + args);
    }
    String role = args.get(0);
    List<String> line = new ArrayList<>();
    line.add(role);
    for (EnvOption o : envOptions(role)) {
      String value = env.getOrDefault(o.variable(), o.fallback());
      if (value != null && !value.isEmpty()) {
        line.add(o.option() + "=" + value);
      }
    }
    line.addAll(args.subList(1, args.size()));
    CommandLine cli = commandLine();
    cli.setOverwrittenOptionsAllowed(true);
    return cli.parseArgs(line.toArray(String[]::new)).subcommand().commandSpec();
  }

  /** The port a parsed role serves its API on ({@value #PORT_OPTION}), if it has one. */
  static Optional<Integer> servingPort(CommandSpec role) {
    OptionSpec port = role.findOption(PORT_OPTION);
    return port == null ? Optional.empty() : Optional.of(port.getValue());
  }

  /**
   * Every port a parsed role listens on: the values of its {@code --port} and {@code --*-port} options (an admin or
   * metrics port, say), leaving out 0 (any free port) and negative values (none).
   */
  static Set<Integer> listenPorts(CommandSpec role) {
    Set<Integer> ports = new TreeSet<>();
    for (OptionSpec option : role.options()) {
      boolean portOption = Arrays.stream(option.names()).anyMatch(n -> n.equals(PORT_OPTION) || n.endsWith("-port"));
      if (portOption && option.getValue() instanceof Integer port && port > 0) {
        ports.add(port);
      }
    }
    return ports;
  }

  /** Whether the process reads {@code variable} through a library configured from the environment. */
  static Optional<String> libraryReading(String variable) {
    for (Map.Entry<String, String> e : LIBRARY_PREFIXES.entrySet()) {
      if (variable.startsWith(e.getKey())) {
        try {
          Class.forName(e.getValue(), false, Faasm.class.getClassLoader());
          return Optional.of(e.getValue());
        } catch (ClassNotFoundException notOnTheClassPath) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** Edge routes a kubelet probe may use: the edge's own liveness and readiness targets. */
  enum ProbeTarget {
    HEALTH("dev.faasm.edge.Target$Health"),
    READY("dev.faasm.edge.Target$Ready");

    private final String type;

    ProbeTarget(String type) {
      this.type = type;
    }

    /** The edge's target type, failing loudly when the edge renamed it. */
    Class<?> type() {
      try {
        return Class.forName(type);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("the edge has no route type " + type + "; update FaasmCli.ProbeTarget", e);
      }
    }
  }

  /**
   * What the edge serves at {@code path}, asking its own router ({@code RequestPath.parse}, package-private, called
   * reflectively): a probe target, or empty for any other route or for no route at all.
   */
  static Optional<ProbeTarget> edgeProbeTarget(String path) {
    Object target;
    try {
      Method parse = Class.forName("dev.faasm.edge.RequestPath").getDeclaredMethod("parse", String.class);
      parse.setAccessible(true);
      target = ((Optional<?>) parse.invoke(null, path)).orElse(null);
    } catch (InvocationTargetException e) {
      return Optional.empty(); // the edge rejects the path (an invalid name): not a route
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot call dev.faasm.edge.RequestPath.parse(String); has it moved?", e);
    }
    if (target == null) {
      return Optional.empty();
    }
    for (ProbeTarget probe : ProbeTarget.values()) {
      if (target.getClass() == probe.type()) {
        return Optional.of(probe);
      }
    }
    return Optional.empty();
  }
}
