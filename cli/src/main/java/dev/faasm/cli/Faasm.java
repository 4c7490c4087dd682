package dev.faasm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code faasm} command: server roles and a small client. */
@Command(
    name = "faasm",
    mixinStandardHelpOptions = true,
    version = "faasm 0.1.0",
    description = "Serverless WebAssembly functions on Kafka.",
    subcommands = {
      DevCommand.class,
      EdgeCommand.class,
      ProcessorCommand.class,
      ClientCommands.Upload.class,
      ClientCommands.Invoke.class,
      ClientCommands.Status.class,
      ClientCommands.Logs.class,
      ReplayCommand.class,
      UsersCommand.class
    })
public final class Faasm implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Faasm()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
