package dev.faasm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faasm.deploy.Manifests.Resource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rendered manifests agree with the faasm CLI's own configuration and with themselves. */
class ManifestConsistencyTest {

  @Test
  void everyServerContainerRunsARealRoleOfTheOneFaasmImage() {
    assertEquals(List.of(), rendered().images());
  }

  @Test
  void rawManifestsNameTheImageThatKustomizationRewrites() {
    List<Resource> raw = ManifestSchemaTest.manifestFiles().stream()
        .flatMap(f -> Manifests.parse(f.toString(), Repo.read(f)).strict().stream()).toList();
    assertEquals(List.of(), new Consistency(raw, faasmImageName()).images());
  }

  @Test
  void everyVariableTheManifestsSetIsOneTheAppReads() {
    assertEquals(List.of(), rendered().environment());
  }

  @Test
  void sharedConfigMapNamesEverySettingOfTheRolesThatLoadIt() {
    Map<String, Set<String>> loading = rendered().rolesLoadingConfigMaps();
    assertFalse(loading.isEmpty(), "no CLI container loads a ConfigMap");
    List<String> problems = new ArrayList<>();
    loading.forEach((name, roles) -> {
      Path file = fileDefining(ConfigMap.class, name);
      problems.addAll(Consistency.unnamedSettings("k8s/" + file.getFileName(), Repo.read(file), roles));
    });
    assertEquals(List.of(), problems);
  }

  @Test
  void settingTheConfigMapDoesNotNameIsReported() {
    Path file = fileDefining(ConfigMap.class, "faasm-config");
    String text = Repo.read(file).replace("FAASM_REPLAY_BACKGROUND_RATE", "FAASM_SOMETHING_ELSE");
    assertReported(Consistency.unnamedSettings("configmap", text, Set.of("edge", "processor")),
        "configmap does not name FAASM_REPLAY_BACKGROUND_RATE (faasm processor --replay-background-rate)");
    assertEquals(List.of(), Consistency.unnamedSettings("configmap", text, Set.of("edge")),
        "a processor setting is not required where only edges load the ConfigMap");
  }

  @Test
  void containerPortsAreThePortsTheAppListensOn() {
    assertEquals(List.of(), rendered().ports());
  }

  @Test
  void probesUseTheEdgeHealthAndReadinessRoutes() {
    assertEquals(List.of(), rendered().probes());
  }

  @Test
  void selectorsAndReferencesFindTheirPodsAndPorts() {
    assertEquals(List.of(), rendered().selectors());
  }

  @Test
  void theAppReadsEveryVariableItIsConfiguredBy() {
    // Guards the introspection: were it to find nothing, every "not read" check above would fail; were it to
    // find too much, they could not fail. Names the CLI documents in its --help for each role.
    Map<String, String> edge = FaasmCli.variablesRead("edge");
    Map<String, String> processor = FaasmCli.variablesRead("processor");
    assertEquals("faasm edge --port", edge.get("FAASM_HTTP_PORT"));
    assertEquals("faasm processor --stream-threads", processor.get("FAASM_STREAM_THREADS"));
    assertFalse(edge.containsKey("FAASM_STREAM_THREADS"), "a processor option is not an edge variable");
    assertFalse(processor.containsKey("FAASM_HTTP_PORT"), "an edge option is not a processor variable");
    assertTrue(edge.containsKey("FAASM_INSTANCE_ID") && processor.containsKey("FAASM_INSTANCE_ID"), "getenv scan");
    assertEquals("logback.xml", edge.get("FAASM_LOG_LEVEL"));
  }

  @Test
  void runtimeVariablesAreReadByTheImage() {
    // JAVA_TOOL_OPTIONS is allowed because the JVM reads it: true only while the ENTRYPOINT runs java itself.
    String dockerfile = Repo.read(Repo.root().resolve("Dockerfile"));
    assertTrue(dockerfile.lines().anyMatch(l -> l.startsWith("ENTRYPOINT [\"java\"")),
        "the Dockerfile's ENTRYPOINT no longer runs java directly: revisit FaasmCli.RUNTIME_VARIABLES");
  }

  // ------------------------------------------------------------ each check catches what it is for

  @Test
  void configMapKeyNoRoleReadsIsReported() {
    List<String> problems = mutated(configMap("faasm-config"), cm -> cm.getData().put("FAASM_NO_SUCH_SETTING", "1"))
        .environment();
    assertReported(problems, "ConfigMap faasm-config: key FAASM_NO_SUCH_SETTING is read by none of the roles that "
        + "load it [edge, processor]");
  }

  @Test
  void processorSettingGivenToTheEdgeIsReported() {
    List<String> problems = mutated(deployment("faasm-edge"),
        d -> container(d.getSpec().getTemplate().getSpec().getContainers(), "edge").getEnv()
            .add(new EnvVar("FAASM_STREAM_THREADS", "2", null))).environment();
    assertReported(problems, "container edge: env FAASM_STREAM_THREADS is not read by `faasm edge`");
  }

  @Test
  void valueTheCliRejectsIsReported() {
    List<String> problems = mutated(configMap("faasm-config"), cm -> cm.getData().put("FAASM_PARTITIONS", "many"))
        .environment();
    assertReported(problems, "`faasm processor` rejects this configuration");
    assertReported(problems, "many");
  }

  @Test
  void scriptVariableMissingFromTheEnvironmentIsReported() {
    List<String> problems = mutated(statefulSet("faasm-processor"), s -> {
      Container wait = s.getSpec().getTemplate().getSpec().getInitContainers().get(0);
      wait.getArgs().set(0, wait.getArgs().get(0).replace("FAASM_REDIS_URL", "FAASM_REDIS_ADDRESS"));
    }).environment();
    assertReported(problems, "container wait-for-kafka-and-redis: its script uses $FAASM_REDIS_ADDRESS");
  }

  @Test
  void containerPortOtherThanTheListenPortIsReported() {
    List<String> problems = mutated(deployment("faasm-edge"),
        d -> container(d.getSpec().getTemplate().getSpec().getContainers(), "edge").getPorts().get(0)
            .setContainerPort(8081)).ports();
    assertReported(problems, "container edge: declares containerPort 8081, but `faasm edge` listens on [8080]");
    assertReported(problems, "container edge: does not declare port 8080, which `faasm edge` serves on");

    List<String> moved = mutated(configMap("faasm-config"), cm -> cm.getData().put("FAASM_HTTP_PORT", "9191")).ports();
    assertReported(moved, "container edge: declares containerPort 8080, but `faasm edge` listens on [9191]");

    List<String> processor = mutated(statefulSet("faasm-processor"),
        s -> container(s.getSpec().getTemplate().getSpec().getContainers(), "processor").getPorts()
            .add(new ContainerPort(8080, null, null, "http", "TCP"))).ports();
    assertReported(processor, "container processor: declares containerPort 8080, but `faasm processor` listens on");
  }

  @Test
  void probeOnARouteThatIsNotHealthOrReadyIsReported() {
    List<String> unknown = mutated(deployment("faasm-edge"),
        d -> container(d.getSpec().getTemplate().getSpec().getContainers(), "edge").getReadinessProbe().getHttpGet()
            .setPath("/healthz")).probes();
    assertReported(unknown, "readinessProbe path /healthz is not the edge's health or readiness route");

    List<String> functions = mutated(deployment("faasm-edge"),
        d -> container(d.getSpec().getTemplate().getSpec().getContainers(), "edge").getReadinessProbe().getHttpGet()
            .setPath("/f/demo")).probes();
    assertReported(functions, "readinessProbe path /f/demo is not the edge's health or readiness route");

    List<String> liveOnReady = mutated(deployment("faasm-edge"),
        d -> container(d.getSpec().getTemplate().getSpec().getContainers(), "edge").getLivenessProbe().getHttpGet()
            .setPath("/ready")).probes();
    assertReported(liveOnReady, "livenessProbe path /ready is the READY route");
  }

  @Test
  void serviceTargetPortOrSelectorThatFindsNothingIsReported() {
    List<String> port = mutated(service("faasm-edge"),
        s -> s.getSpec().getPorts().get(0).setTargetPort(new IntOrString("htp"))).selectors();
    assertReported(port, "Service faasm-edge: port http targets htp, which Deployment faasm-edge does not declare");

    List<String> selector = mutated(service("redis"),
        s -> s.getSpec().getSelector().put("app.kubernetes.io/name", "rediss")).selectors();
    assertReported(selector, "Service redis: selector {app.kubernetes.io/name=rediss} matches no pod template");
  }

  @Test
  void argsThatAreNoServerRoleAndAForeignTagAreReported() {
    List<String> typo = mutated(deployment("faasm-edge"),
        d -> container(d.getSpec().getTemplate().getSpec().getContainers(), "edge").setArgs(List.of("edgee")))
        .images();
    assertReported(typo, "container edge: args[0] 'edgee' is not a faasm subcommand");
    assertReported(typo, "no container runs `faasm edge`");

    List<String> client = mutated(deployment("faasm-edge"),
        d -> container(d.getSpec().getTemplate().getSpec().getContainers(), "edge").setArgs(List.of("invoke")))
        .images();
    assertReported(client, "args[0] 'invoke' is not a server role");

    List<String> tag = mutated(statefulSet("faasm-processor"),
        s -> container(s.getSpec().getTemplate().getSpec().getContainers(), "processor").setImage("faasm:0.0.9"))
        .images();
    assertReported(tag, "container processor: image faasm:0.0.9 in a faasm pod");
  }

  // ------------------------------------------------------------ helpers

  private static Consistency rendered() {
    List<Resource> resources = Manifests.parse("kubectl kustomize k8s/", Kustomize.render()).strict();
    return new Consistency(resources, renderedFaasmImage());
  }

  /** The rendered manifests with one object changed by {@code change}. */
  private static <T> Consistency mutated(Function<List<Resource>, T> pick, Consumer<T> change) {
    List<Resource> resources = Manifests.parse("kubectl kustomize k8s/", Kustomize.render()).strict();
    change.accept(pick.apply(resources));
    return new Consistency(resources, renderedFaasmImage());
  }

  /** The image the files name for the server containers (one, or the image checks report it). */
  private static String faasmImageName() {
    List<String> images = ManifestSchemaTest.manifestFiles().stream()
        .flatMap(f -> Manifests.parse(f.toString(), Repo.read(f)).strict().stream())
        .flatMap(r -> podContainers(r.object()))
        .filter(c -> c.getCommand().isEmpty() && !c.getArgs().isEmpty()
            && FaasmCli.SERVER_ROLES.contains(c.getArgs().get(0)))
        .map(Container::getImage).distinct().toList();
    assertEquals(1, images.size(), "server containers in k8s/ should name one image: " + images);
    return images.get(0);
  }

  private static Stream<Container> podContainers(Object o) {
    if (o instanceof Deployment d) {
      return d.getSpec().getTemplate().getSpec().getContainers().stream();
    }
    if (o instanceof StatefulSet s) {
      return s.getSpec().getTemplate().getSpec().getContainers().stream();
    }
    return Stream.empty();
  }

  private static String renderedFaasmImage() {
    return Kustomization.read().image(faasmImageName()).rendered();
  }

  private static Path fileDefining(Class<?> type, String name) {
    return ManifestSchemaTest.manifestFiles().stream()
        .filter(f -> Manifests.parse(f.toString(), Repo.read(f)).strict().stream().map(Resource::object)
            .anyMatch(o -> type.isInstance(o) && o.getMetadata().getName().equals(name)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no file in k8s/ defines " + type.getSimpleName() + " " + name));
  }

  private static Function<List<Resource>, ConfigMap> configMap(String name) {
    return rs -> find(rs, ConfigMap.class, name);
  }

  private static Function<List<Resource>, Deployment> deployment(String name) {
    return rs -> find(rs, Deployment.class, name);
  }

  private static Function<List<Resource>, StatefulSet> statefulSet(String name) {
    return rs -> find(rs, StatefulSet.class, name);
  }

  private static Function<List<Resource>, Service> service(String name) {
    return rs -> find(rs, Service.class, name);
  }

  private static <T> T find(List<Resource> resources, Class<T> type, String name) {
    return resources.stream().map(Resource::object).filter(type::isInstance)
        .filter(o -> o.getMetadata().getName().equals(name)).map(type::cast).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in the manifests"));
  }

  private static Container container(List<Container> containers, String name) {
    return containers.stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  private static void assertReported(List<String> problems, String expected) {
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
        "expected a problem containing '" + expected + "', got " + problems);
  }
}
