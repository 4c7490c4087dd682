package dev.faasm.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code faasm} command: server roles and a small client. */
@Command(
    name = "faasm",
    mixinStandardHelpOptions = true,
    version = "faasm 0.1.0",
    description = "Serverless WebAssembly functions on Kafka.",
    exitCodeListHeading = "%nExit codes of the client commands:%n",
    exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.UNREACHABLE_LINE},
    subcommands = {
      DevCommand.class,
      EdgeCommand.class,
      ProcessorCommand.class,
      ClientCommands.Upload.class,
      ClientCommands.Invoke.class,
      ClientCommands.Status.class,
      ClientCommands.Logs.class,
      ClientCommands.Calls.class,
      ClientCommands.Functions.class,
      ReplayCommand.class,
      UsersCommand.class,
      NewCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Faasm implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with the platform's exit codes: an unreachable edge is 3, not a stack trace. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Faasm());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ExitCodes.Unreachable) {
        commandLine.getErr().println("faasm " + commandLine.getCommandName() + ": " + e.getMessage());
        commandLine.getErr().flush();
        return ExitCodes.UNREACHABLE;
      }
      throw e;
    });
    // picocli hides it by default; `source <(faasm generate-completion)` completes commands and options in bash/zsh.
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
