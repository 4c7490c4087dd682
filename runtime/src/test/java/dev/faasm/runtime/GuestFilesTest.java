package dev.faasm.runtime;

import static dev.faasm.runtime.Outcomes.assertSucceeded;
import static dev.faasm.runtime.Outcomes.bytes;
import static dev.faasm.runtime.Outcomes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Jimfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandboxed filesystem of a call ({@code demo/files} prints one line per check). */
class GuestFilesTest {
  private FunctionRuntime runtime;
  private FileSystem shared;
  private LocalCallHost host;

  @BeforeEach
  void start() throws Exception {
    runtime = new FunctionRuntime(RuntimeConfig.defaults());
    shared = Jimfs.newFileSystem(GuestFiles.treeConfiguration().build());
    Files.createDirectories(shared.getPath("/data"));
    Files.writeString(shared.getPath("/data/hello.txt"), "shared hello");
    Path root = shared.getPath("/");
    host = new LocalCallHost(runtime, "demo", function -> Wasm.load("demo", function)) {
      @Override
      public Optional<Path> sharedFiles() {
        return Optional.of(root);
      }
    };
  }

  @AfterEach
  void stop() throws Exception {
    runtime.close();
    shared.close();
  }

  private Map<String, String> run(String input) {
    CallOutcome outcome = host.run("files", bytes(input));
    assertSucceeded(outcome);
    Map<String, String> lines = new LinkedHashMap<>();
    for (String line : text(outcome.output()).split("\n")) {
      int eq = line.indexOf('=');
      lines.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return lines;
  }

  @Test
  void rootEtcAndCwdLookLikeFaasms() {
    Map<String, String> r = run("data/hello.txt");
    assertEquals("/", r.get("getcwd"));
    assertEquals("dir", r.get("stat_root"));
    assertEquals("etc,share,tmp", r.get("ls_root"));
    assertEquals("hosts,passwd,resolv.conf", r.get("ls_etc"));
    assertEquals("127.0.0.1 localhost ::1 localhost ", r.get("etc_hosts"));
    assertEquals("faasm:x:1:1:faasm:/:/bin/false ", r.get("etc_passwd"));
    assertEquals("nameserver 127.0.0.1 ", r.get("etc_resolv"));
  }

  @Test
  void tmpIsWritableFreshPerCallAndBounded() {
    Map<String, String> first = run("data/hello.txt");
    assertEquals("ENOENT", first.get("tmp_fresh"));
    assertEquals("ok", first.get("tmp_write"));
    assertEquals("tmp data", first.get("tmp_read"));
    assertEquals("ok", first.get("tmp_mkdir"));
    assertEquals("ok", first.get("tmp_rename"));
    assertEquals("tmp data", first.get("tmp_renamed"));
    assertEquals("ok", first.get("tmp_symlink_inside"));
    assertEquals("tmp data", first.get("tmp_via_symlink"));
    assertEquals("yes", first.get("tmp_bounded"));
    // the same module again: a new /tmp
    assertEquals("ENOENT", run("data/hello.txt").get("tmp_fresh"));
  }

  @Test
  void readOnlyTreesCannotBeChanged() {
    Map<String, String> r = run("data/hello.txt");
    assertEquals("!EROFS", r.get("etc_write"));
    assertEquals("!EROFS", r.get("etc_create"));
    assertEquals("EROFS", r.get("etc_unlink"));
    assertEquals("EROFS", r.get("etc_mkdir"));
    assertEquals("EROFS", r.get("root_mkdir"));
    assertEquals("EROFS", r.get("etc_rename_to_tmp"));
    assertEquals("127.0.0.1 localhost ::1 localhost ", r.get("etc_hosts_after"));
    assertEquals("!EROFS", r.get("share_write"));
  }

  @Test
  void nothingOfTheHostIsVisible() {
    Map<String, String> r = run("data/hello.txt");
    for (String check : new String[] {"dotdot_tmp", "dotdot_rel", "host_hostname", "host_proc", "host_usr",
        "host_home", "via_symlink_dotdot"}) {
      assertTrue(r.get(check).startsWith("!"), check + " = " + r.get(check));
    }
    assertTrue(!r.get("symlink_abs").equals("ok"), r.get("symlink_abs"));
    assertTrue(!r.get("symlink_dotdot").equals("ok"), r.get("symlink_dotdot"));
  }

  @Test
  void sharedFilesAreReadable() throws Exception {
    Map<String, String> r = run("data/hello.txt");
    assertEquals("data", r.get("ls_share"));
    assertEquals("shared hello", r.get("share_read"));
    assertEquals("shared hello", r.get("faasm_url_read"));
    Files.writeString(shared.getPath("/data/hello.txt"), "changed", StandardCharsets.UTF_8);
    assertEquals("changed", run("data/hello.txt").get("share_read"));
    assertEquals("!ENOENT", run("data/missing.txt").get("share_read"));
  }
}
