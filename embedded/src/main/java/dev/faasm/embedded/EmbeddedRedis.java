package dev.faasm.embedded;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} process on 127.0.0.1, without persistence.
 *
 * <p>The binary is, in order: the one named by the system property {@value #BINARY_PROPERTY}, {@code redis-server} on
 * the {@code PATH} (e.g. Debian's package), or the one bundled in {@code com.github.codemonstur:embedded-redis},
 * extracted once per JVM to a temporary directory.
 *
 * <p>On POSIX systems the server runs under a small {@code sh} guard that stops it when this JVM's end of its standard
 * input closes, so even a JVM killed with SIGKILL does not leave a server behind. {@link #close()} (also run by a
 * shutdown hook) stops it and deletes its working directory.
 *
 * <p>{@link #supervise()} adds a watchdog thread that starts a new, empty server on the same port whenever the running
 * one dies (a crash, {@code kill -9}); {@link #close()} stops the watchdog before the server, so nothing restarts it
 * afterwards.
 */
public final class EmbeddedRedis implements AutoCloseable {
  /** System property naming a {@code redis-server} binary to use instead of searching for one. */
  public static final String BINARY_PROPERTY = "faasm.redis-server";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final Duration RESTART_BACKOFF_MIN = Duration.ofMillis(200);
  private static final Duration RESTART_BACKOFF_MAX = Duration.ofSeconds(10);

  /**
   * Runs {@code "$0" "$@"} (the server) in the background and stops it when standard input reaches end of file, which
   * happens when the JVM closes the pipe or dies; then removes the server's working directory {@code $FAASM_REDIS_DIR}
   * (its log), so even a killed JVM leaves nothing behind. When the server exits by itself (e.g. its port is taken),
   * the guard exits with the server's status and keeps the log for the JVM to read.
   */
  private static final String GUARD =
      "exec 3<&0\n"
          + "\"$0\" \"$@\" </dev/null & child=$!\n"
          + "( cat <&3 >/dev/null; : > \"$FAASM_REDIS_DIR/stopping\"; kill \"$child\" 2>/dev/null ) & watcher=$!\n"
          + "exec 3<&-\n"
          + "wait \"$child\"; status=$?\n"
          + "if [ -e \"$FAASM_REDIS_DIR/stopping\" ]; then\n"
          + "  rm -f \"$FAASM_REDIS_DIR/stopping\" \"$FAASM_REDIS_DIR/redis.log\"; rmdir \"$FAASM_REDIS_DIR\" 2>/dev/null\n"
          + "else\n"
          + "  kill \"$watcher\" 2>/dev/null\n"
          + "fi\n"
          + "exit $status\n";

  private static final File SHELL = new File("/bin/sh");
  private static final boolean GUARDED = SHELL.canExecute();

  private static Path extractedBinary;

  private final Path binary;
  private final int port;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Guards replacing {@link #server} (the watchdog) against stopping it ({@link #stop()}). */
  private final Object lifecycle = new Object();
  private final AtomicInteger restarts = new AtomicInteger();
  private volatile Server server;
  private volatile Thread watchdog;

  /** One run of redis-server: the process the JVM started (the guard, or the server itself), the server, its dir. */
  private record Server(Process process, ProcessHandle redis, Path workDir, String version) {}

  private EmbeddedRedis(Server server, Path binary, int port) {
    this.server = server;
    this.binary = binary;
    this.port = port;
    this.shutdownHook = new Thread(this::stop, "embedded-redis-" + port + "-shutdown");
  }

  /** Starts a server on {@code 127.0.0.1:port} (0 = a free port) and returns once it answers PING. */
  public static EmbeddedRedis start(int port) {
    return start(port, binary());
  }

  /** Starts {@code binary} on {@code 127.0.0.1:port} (0 = a free port). */
  static EmbeddedRedis start(int port, Path binary) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("redis port must be 0..65535, not " + port);
    }
    long began = System.nanoTime();
    if (port != 0 && !Ports.isFree(port)) {
      throw new EmbeddedException("cannot start redis-server: port " + port + " is already in use");
    }
    EmbeddedException last = null;
    for (int attempt = 1; attempt <= (port == 0 ? START_ATTEMPTS : 1); attempt++) {
      int chosen = port == 0 ? Ports.free() : port;
      try {
        EmbeddedRedis redis = new EmbeddedRedis(launch(binary, chosen), binary, chosen);
        Runtime.getRuntime().addShutdownHook(redis.shutdownHook);
        log.info(
            "embedded redis-server {} ({}) up at {} in {} ms",
            redis.version(), binary, redis.url(), (System.nanoTime() - began) / 1_000_000);
        return redis;
      } catch (EmbeddedException e) {
        last = e;
        if (!Ports.isBindFailure(e)) {
          break;
        }
      }
    }
    throw last;
  }

  private static Server launch(Path binary, int port) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("faasm-redis-");
    } catch (IOException e) {
      throw new EmbeddedException("cannot create a working directory for redis-server: " + e.getMessage(), e);
    }
    List<String> args =
        List.of(
            "--port", Integer.toString(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", workDir.toString(),
            "--loglevel", "notice");
    List<String> command = new ArrayList<>();
    if (GUARDED) {
      command.addAll(List.of(SHELL.getPath(), "-c", GUARD, binary.toString()));
    } else {
      command.add(binary.toString());
    }
    command.addAll(args);
    Path logFile = workDir.resolve("redis.log");
    Process process;
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      builder.environment().put("FAASM_REDIS_DIR", workDir.toString());
      process = builder.start();
    } catch (IOException e) {
      deleteTree(workDir);
      throw new EmbeddedException("cannot run " + binary + ": " + e.getMessage(), e);
    }
    try {
      Map<String, String> info = awaitReady(process, port, logFile);
      long pid = Long.parseLong(info.get("process_id"));
      ProcessHandle redis =
          pid == process.pid() ? process.toHandle() : ProcessHandle.of(pid).orElse(process.toHandle());
      return new Server(process, redis, workDir, info.getOrDefault("redis_version", "unknown"));
    } catch (RuntimeException e) {
      terminate(process);
      deleteTree(workDir);
      throw e;
    }
  }

  /** Waits until the server answers PING and checks that it is the process just started; returns its INFO server. */
  private static Map<String, String> awaitReady(Process process, int port, Path logFile) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Exception lastError = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new EmbeddedException(
            "redis-server on port " + port + " exited with status " + process.exitValue() + ": " + tail(logFile));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        socket.setSoTimeout(2000);
        OutputStream out = socket.getOutputStream();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out.write("PING\r\nINFO server\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String pong = in.readLine();
        if (!"+PONG".equals(pong)) {
          throw new EmbeddedException("redis-server on port " + port + " answered PING with " + pong);
        }
        Map<String, String> info = info(in);
        long pid = Long.parseLong(info.getOrDefault("process_id", "-1"));
        boolean ours =
            pid == process.pid() || process.descendants().anyMatch(h -> h.pid() == pid);
        if (!ours) {
          throw new EmbeddedException(
              "another redis-server (pid " + pid + ") answers on port " + port + ": Address already in use");
        }
        return info;
      } catch (IOException | NumberFormatException e) {
        lastError = e;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddedException("interrupted while waiting for redis-server on port " + port, e);
      }
    }
    throw new EmbeddedException(
        "redis-server on port " + port + " did not answer PING within " + READY_TIMEOUT.toSeconds() + " s ("
            + lastError + "): " + tail(logFile));
  }

  /** Reads the bulk-string reply of {@code INFO server} as {@code name -> value}. */
  private static Map<String, String> info(BufferedReader in) throws IOException {
    String header = in.readLine();
    if (header == null || !header.startsWith("$")) {
      throw new IOException("unexpected INFO reply " + header);
    }
    Map<String, String> info = new HashMap<>();
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        info.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return info;
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The binary to run; see the class comment for the search order. */
  static synchronized Path binary() {
    String configured = System.getProperty(BINARY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isExecutable(path)) {
        throw new EmbeddedException(BINARY_PROPERTY + "=" + configured + " is not an executable file");
      }
      return path;
    }
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return bundledBinary();
  }

  /** The binary bundled in embedded-redis for this OS and CPU, extracted once per JVM. */
  static synchronized Path bundledBinary() {
    if (extractedBinary == null) {
      extractedBinary = extractBundled();
    }
    return extractedBinary;
  }

  private static Path extractBundled() {
    String resource = bundledResource();
    try (InputStream in = EmbeddedRedis.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new EmbeddedException(
            "no redis-server on the PATH and " + resource + " is missing from the classpath"
                + " (com.github.codemonstur:embedded-redis)");
      }
      Path dir = Files.createTempDirectory("faasm-redis-bin-");
      dir.toFile().deleteOnExit(); // registered first, so deleted after the binary
      Path target = dir.resolve("redis-server");
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      if (!target.toFile().setExecutable(true, true)) {
        throw new EmbeddedException("cannot make " + target + " executable");
      }
      target.toFile().deleteOnExit();
      log.debug("extracted bundled {} to {}", resource, target);
      return target;
    } catch (IOException e) {
      throw new EmbeddedException("cannot extract the bundled " + resource + ": " + e.getMessage(), e);
    }
  }

  /** The embedded-redis resource that runs on this OS and CPU. */
  private static String bundledResource() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean arm = arch.equals("aarch64") || arch.equals("arm64");
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    if (os.contains("linux") && x64) {
      return "redis-server-6.2.6-v5-linux-amd64";
    }
    if (os.contains("linux") && arm) {
      return "redis-server-6.2.7-linux-arm64";
    }
    if (os.contains("mac") && x64) {
      return "redis-server-6.2.6-v5-darwin-amd64";
    }
    if (os.contains("mac") && arm) {
      return "redis-server-6.2.6-v5-darwin-arm64";
    }
    throw new EmbeddedException(
        "no redis-server on the PATH and no bundled binary for " + os + "/" + arch + "; install redis-server");
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The server's {@code redis_version}. */
  public String version() {
    return server.version();
  }

  /** The binary that runs. */
  public Path binaryPath() {
    return binary;
  }

  /** The server's working directory (its log); removed when the server stops. */
  Path workDir() {
    return server.workDir();
  }

  /** The redis-server process running now (for tests that kill it). */
  ProcessHandle serverProcess() {
    return server.redis();
  }

  /** Whether the server process is still running. */
  public boolean isRunning() {
    return server.process().isAlive();
  }

  /**
   * Starts a watchdog that notices when the server dies (crash, {@code kill -9}) and starts a new, empty one on the
   * same port, logging one line for the death and one for the restart; idempotent. {@link #close()} stops it.
   *
   * @return this
   */
  public EmbeddedRedis supervise() {
    synchronized (lifecycle) {
      if (closed.get()) {
        throw new IllegalStateException("embedded redis-server at " + url() + " is closed");
      }
      if (watchdog == null) {
        Thread t = new Thread(this::watch, "embedded-redis-" + port + "-watchdog");
        t.setDaemon(true);
        watchdog = t;
        t.start();
      }
    }
    return this;
  }

  /** How many times the watchdog has started a new server after the previous one died. */
  public int restarts() {
    return restarts.get();
  }

  /** Whether the watchdog thread is running. */
  boolean isSupervised() {
    Thread t = watchdog;
    return t != null && t.isAlive();
  }

  /** The watchdog: waits for the current server's process to exit and, unless closed, replaces it. */
  private void watch() {
    while (!closed.get()) {
      Server dead = server;
      try {
        dead.process().onExit().get();
      } catch (InterruptedException e) {
        continue; // close() interrupts; the loop condition decides
      } catch (ExecutionException e) {
        log.error("cannot watch redis-server at {}; it will not be restarted", url(), e);
        return;
      }
      if (closed.get()) {
        return;
      }
      log.warn(
          "embedded redis-server at {} (pid {}) died with exit status {}; restarting it empty",
          url(), dead.redis().pid(), dead.process().exitValue());
      if (log.isDebugEnabled()) {
        log.debug("last lines of its log: {}", tail(dead.workDir().resolve("redis.log")));
      }
      // Without the guard (or if only the guard died) make sure the old server does not hold the port.
      if (dead.redis().isAlive()) {
        dead.redis().destroyForcibly();
      }
      terminate(dead.process());
      deleteTree(dead.workDir());
      restart();
    }
  }

  /** Starts a new server on the same port, retrying with a bounded backoff until it runs or this is closed. */
  private void restart() {
    long began = System.nanoTime();
    long backoff = RESTART_BACKOFF_MIN.toMillis();
    for (int attempt = 1; !closed.get(); attempt++) {
      synchronized (lifecycle) {
        if (closed.get()) {
          return;
        }
        try {
          server = launch(binary, port);
          restarts.incrementAndGet();
          log.info(
              "embedded redis-server at {} restarted (pid {}) in {} ms",
              url(), server.redis().pid(), (System.nanoTime() - began) / 1_000_000);
          return;
        } catch (EmbeddedException e) {
          if (closed.get()) {
            return;
          }
          if (attempt == 1) {
            log.warn("cannot restart redis-server at {} ({}); retrying", url(), e.getMessage());
          } else {
            log.debug("cannot restart redis-server at {} (attempt {})", url(), attempt, e);
          }
        }
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return; // only close() interrupts the watchdog
      }
      backoff = Math.min(backoff * 2, RESTART_BACKOFF_MAX.toMillis());
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its working directory; later calls do nothing. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs stop() itself.
      log.trace("shutdown in progress", e);
    }
    stop();
  }

  private void stop() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Thread t = watchdog;
    boolean interrupted = false;
    if (t != null && t != Thread.currentThread()) {
      // A restart in progress gives up when interrupted; wait for it so no server starts after this returns.
      t.interrupt();
      try {
        t.join(READY_TIMEOUT.toMillis() + STOP_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    synchronized (lifecycle) {
      Server s = server;
      terminate(s.process());
      if (s.redis().isAlive()) {
        s.redis().destroyForcibly();
      }
      deleteTree(s.workDir());
    }
    log.info("embedded redis-server at {} stopped", url());
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void terminate(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    // Closing stdin makes the guard stop the server and exit; without the guard, signal the server itself.
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      log.debug("cannot close redis-server's stdin", e);
    }
    if (!GUARDED) {
      process.destroy();
    }
    boolean interrupted = false;
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("redis-server did not stop within {} s; killing it", STOP_TIMEOUT.toSeconds());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("cannot delete {}", dir, e);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedRedis[" + url() + ", " + binary + " " + version() + "]";
  }
}
