package dev.faasm.cli;

import dev.faasm.protocol.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code faasm new <user>/<function> [--lang c]}: a new function in its own directory: its source, the Faasm headers,
 * a build script for the documented toolchain (clang for wasm32-wasi), a test input and a README with the commands
 * that build, upload and call it.
 */
@Command(
    name = "new",
    mixinStandardHelpOptions = true,
    description = "Create a new function: source, build script, test input.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:created", "2:usage error (a bad name, an unknown language, the directory exists)"})
final class NewCommand implements Callable<Integer> {
  /** Files of a C function: template resource, file name (both with @FUNCTION@ replaced), executable. */
  private static final List<String[]> C_FILES = List.of(
      new String[] {"c/function.c", "@FUNCTION@.c", ""},
      new String[] {"c/build.sh", "build.sh", "x"},
      new String[] {"c/input.txt", "input.txt", ""},
      new String[] {"c/README.md", "README.md", ""},
      new String[] {"include/faasm/faasm.h", "include/faasm/faasm.h", ""},
      new String[] {"include/faasm/core.h", "include/faasm/core.h", ""},
      new String[] {"include/faasm/host_interface.h", "include/faasm/host_interface.h", ""},
      new String[] {"include/faasm/state.h", "include/faasm/state.h", ""});

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "USER/FUNCTION", description = "the new function's name, e.g. simon/hello")
  String name;

  @Option(names = "--lang", defaultValue = "c", description = "the language (only c for now; default ${DEFAULT-VALUE})")
  String lang;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "where to create it (default: a directory named after the function, here)")
  Path dir;

  @Override
  public Integer call() {
    String[] parts = name.split("/", -1);
    if (parts.length != 2 || !Names.isValid(parts[0]) || !Names.isValid(parts[1])) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "'" + name + "' is not USER/FUNCTION with both names matching [A-Za-z0-9_-]{1," + Names.MAX_LENGTH + "}");
    }
    if (!lang.equals("c")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "unknown language '" + lang + "'; known: c");
    }
    String user = parts[0];
    String function = parts[1];
    Path target = dir != null ? dir : Path.of(function);
    if (Files.exists(target) && !isEmptyDirectory(target)) {
      throw new CommandLine.ParameterException(spec.commandLine(), target + " already exists and is not empty");
    }
    Map<String, String> values = Map.of("@USER@", user, "@FUNCTION@", function);
    try {
      for (String[] f : C_FILES) {
        Path file = target.resolve(fill(f[1], values));
        Files.createDirectories(file.getParent());
        Files.writeString(file, fill(template(f[0]), values));
        if (!f[2].isEmpty()) {
          makeExecutable(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("created %s/%s in %s%n", user, function, target);
    out.printf("  cd %s%n", target);
    out.printf("  ./build.sh                                     # clang → function.wasm%n");
    out.printf("  faasm upload %s %s function.wasm%n", user, function);
    out.printf("  faasm invoke %s %s -i input.txt          # → Hello, faasm!%n", user, function);
    out.flush();
    return ExitCodes.OK;
  }

  private static boolean isEmptyDirectory(Path p) {
    try (var entries = Files.list(p)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void makeExecutable(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: run it with bash build.sh.
    }
  }

  private static String fill(String text, Map<String, String> values) {
    String s = text;
    for (Map.Entry<String, String> v : values.entrySet()) {
      s = s.replace(v.getKey(), v.getValue());
    }
    return s;
  }

  private static String template(String resource) throws IOException {
    String path = "scaffold/" + resource;
    try (InputStream in = NewCommand.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing template " + path + " in the faasm jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
