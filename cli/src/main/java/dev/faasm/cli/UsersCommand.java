package dev.faasm.cli;

import dev.faasm.protocol.Quota;
import dev.faasm.protocol.UserAccount;
import dev.faasm.registry.Topics;
import dev.faasm.registry.UserDirectory;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code faasm users}: the platform's users and their API keys, written straight to the users topic (an operator's
 * tool: it needs the Kafka bootstrap servers, not a key). A key is printed once, alone on stdout; only its salted hash
 * is stored. Every edge sees a change within a second or so.
 */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "Manage users, their API keys and quotas (talks to Kafka directly).",
    subcommands = {
      UsersCommand.Add.class,
      UsersCommand.Remove.class,
      UsersCommand.ListUsers.class,
      UsersCommand.Rotate.class,
      UsersCommand.SetQuota.class
    })
final class UsersCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the users topic is. */
  static final class Where {
    @Option(names = "--kafka", defaultValue = "${env:FAASM_KAFKA_BOOTSTRAP:-localhost:9092}",
        description = "Kafka bootstrap servers (FAASM_KAFKA_BOOTSTRAP; default ${DEFAULT-VALUE})")
    String kafka;

    @Option(names = "--topic-prefix", defaultValue = "${env:FAASM_TOPIC_PREFIX:-faasm-}",
        description = "prefix of the platform's topic names (FAASM_TOPIC_PREFIX; default ${DEFAULT-VALUE})")
    String topicPrefix;

    @Option(names = "--replication", defaultValue = "${env:FAASM_REPLICATION:-1}",
        description = "replication factor of the users topic if it is created (FAASM_REPLICATION; default "
            + "${DEFAULT-VALUE})")
    short replication;

    UserDirectory open() throws Exception {
      CommonOptions common = new CommonOptions();
      picocli.CommandLine.populateCommand(common);
      common.kafka = kafka;
      common.topicPrefix = topicPrefix;
      common.replication = replication;
      Topics topics = common.topics();
      try (Admin admin = common.kafkaSettings().admin()) {
        topics.ensure(admin);
      }
      UserDirectory users = new UserDirectory(common.kafkaSettings(), topics, "faasm-users-cli").start();
      try {
        users.caughtUp().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        users.close();
        throw new IllegalStateException("cannot read the users topic from Kafka at " + kafka + ": " + e, e);
      }
      return users;
    }
  }

  /** Quota values given on the command line; absent ones stay as they are. */
  static final class QuotaOptions {
    @Option(names = "--calls-per-second", paramLabel = "N",
        description = "calls per second (-1 = the edge's default)")
    Double callsPerSecond;

    @Option(names = "--calls-in-flight", paramLabel = "N",
        description = "calls submitted and not yet finished (-1 = the edge's default)")
    Long callsInFlight;

    @Option(names = "--module-mib", paramLabel = "MIB",
        description = "total size of the user's functions in MiB (-1 = the edge's default)")
    Long moduleMib;

    Quota applyTo(Quota q) {
      return new Quota(
          callsPerSecond == null ? q.callsPerSecond() : callsPerSecond,
          callsInFlight == null ? q.callsInFlight() : callsInFlight,
          moduleMib == null ? q.moduleBytes() : moduleMib < 0 ? Quota.UNSET : moduleMib * 1024 * 1024);
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a user and print its API key (shown once: only a salted hash is stored).")
  static final class Add implements Callable<Integer> {
    @Mixin Where where;
    @Mixin QuotaOptions quota;
    @Parameters(index = "0", paramLabel = "USER") String user;
    @Option(names = "--admin", description = "the key is valid for every user's routes and for replays")
    boolean admin;

    @Override
    public Integer call() throws Exception {
      if (!dev.faasm.protocol.Names.isValid(user)) {
        System.err.println("invalid user name '" + user + "': must match [A-Za-z0-9_-]{1,64}");
        return 2;
      }
      try (UserDirectory users = where.open()) {
        return printKey(user, () -> users.add(user, admin, quota.applyTo(Quota.NONE)), "added");
      }
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Give a user a new API key and print it; the old key stops working.")
  static final class Rotate implements Callable<Integer> {
    @Mixin Where where;
    @Parameters(index = "0", paramLabel = "USER") String user;

    @Override
    public Integer call() throws Exception {
      try (UserDirectory users = where.open()) {
        return printKey(user, () -> users.rotate(user), "rotated the key of");
      }
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a user and its key (its functions and calls stay).")
  static final class Remove implements Callable<Integer> {
    @Mixin Where where;
    @Parameters(index = "0", paramLabel = "USER") String user;

    @Override
    public Integer call() throws Exception {
      try (UserDirectory users = where.open()) {
        if (users.account(user).isEmpty()) {
          System.err.println("no user " + user);
          return 1;
        }
        users.remove(user).get(30, TimeUnit.SECONDS);
        System.err.println("removed " + user);
        return 0;
      }
    }
  }

  @Command(name = "quota", mixinStandardHelpOptions = true,
      description = "Set a user's quotas (values not given stay; -1 = the edge's default); prints them.")
  static final class SetQuota implements Callable<Integer> {
    @Mixin Where where;
    @Mixin QuotaOptions quota;
    @Parameters(index = "0", paramLabel = "USER") String user;

    @Override
    public Integer call() throws Exception {
      try (UserDirectory users = where.open()) {
        if (users.account(user).isEmpty()) {
          System.err.println("no user " + user);
          return 1;
        }
        UserAccount changed =
            users.setQuota(user, quota.applyTo(users.account(user).get().quota())).get(30, TimeUnit.SECONDS);
        print(System.out, changed);
        return 0;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List users: name, admin, when the key was made, own quotas (never keys).")
  static final class ListUsers implements Callable<Integer> {
    @Mixin Where where;

    @Override
    public Integer call() throws Exception {
      try (UserDirectory users = where.open()) {
        for (UserAccount a : users.list()) {
          print(System.out, a);
        }
        return 0;
      }
    }
  }

  private static int printKey(String user, Callable<CompletableFuture<String>> make, String verb) throws Exception {
    String key;
    try {
      key = make.call().get(30, TimeUnit.SECONDS);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    System.err.println(verb + " " + user + "; its API key (shown only now, store it safely):");
    System.out.println(key);
    return 0;
  }

  static void print(PrintStream out, UserAccount a) {
    Quota q = a.quota();
    out.printf("%-24s %-5s key made %s  calls/s %s  in flight %s  modules %s%n", a.user(), a.admin() ? "admin" : "",
        Instant.ofEpochMilli(a.keyCreatedAtMillis()), q.callsPerSecond() == Quota.UNSET ? "default" : q.callsPerSecond(),
        q.callsInFlight() == Quota.UNSET ? "default" : q.callsInFlight(),
        q.moduleBytes() == Quota.UNSET ? "default" : q.moduleBytes() + " B");
  }
}
