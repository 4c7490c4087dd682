package dev.faasm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every manifest, as written and as kustomize renders it, is made of real Kubernetes API fields. */
class ManifestSchemaTest {
  private static final String KUSTOMIZATION = "kustomization.yaml";

  @Test
  void everyManifestFileParsesIntoKubernetesTypesWithoutUnknownFields() {
    List<String> problems = new ArrayList<>();
    for (Path file : manifestFiles()) {
      Manifests.Parsed parsed = Manifests.parse("k8s/" + file.getFileName(), Repo.read(file));
      problems.addAll(parsed.problems());
      if (parsed.resources().isEmpty() && parsed.problems().isEmpty()) {
        problems.add(file + ": holds no Kubernetes object");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void kustomizeOutputParsesIntoKubernetesTypesWithoutUnknownFields() {
    Manifests.Parsed parsed = Manifests.parse("kubectl kustomize k8s/", Kustomize.render());
    assertEquals(List.of(), parsed.problems());
    int documents = manifestFiles().stream()
        .mapToInt(f -> Manifests.parse(f.toString(), Repo.read(f)).resources().size()).sum();
    assertEquals(documents, parsed.resources().size(), "kustomize renders every object of the files, once");
  }

  @Test
  void kustomizationListsEveryManifestFile() {
    Set<String> files = manifestFiles().stream().map(f -> f.getFileName().toString())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(files, new TreeSet<>(Kustomization.read().resources()),
        "k8s/kustomization.yaml resources: a file it does not list is never applied");
  }

  @Test
  void misspelledFieldIsReportedWithItsPath() {
    String deployment = Repo.read(Repo.k8s().resolve("edge-deployment.yaml"));

    assertEquals(List.of(), Manifests.parse("edge", deployment).problems());
    assertReported(mutate(deployment, "  replicas: 2\n", "  replica: 2\n"), "unknown field spec.replica");
    assertReported(mutate(deployment, "containerPort: 8080", "containerPrt: 8080"),
        "unknown field spec.template.spec.containers[0].ports[0].containerPrt");
    assertReported(mutate(deployment, "    metadata:\n      labels:", "    metadata:\n      label:"),
        "unknown field spec.template.metadata.label");
    assertReported(
        mutate(deployment, "    requests:\n              cpu: 500m", "    request:\n              cpu: 500m"),
        "unknown field spec.template.spec.containers[0].resources.request");
  }

  @Test
  void unknownKindWrongTypeAndDuplicateKeyAreReported() {
    String deployment = Repo.read(Repo.k8s().resolve("edge-deployment.yaml"));

    assertReported(mutate(deployment, "kind: Deployment", "kind: Deploymnet"),
        "no fabric8 model for apps/v1 Deploymnet");
    assertReported(mutate(deployment, "  replicas: 2\n", "  replicas: two\n"), "two");
    assertReported(mutate(deployment, "  replicas: 2\n", "  replicas: 2\n  replicas: 3\n"), "replicas");
  }

  @Test
  void unknownFieldInALaterDocumentOfAFileIsReported() {
    String policies = Repo.read(Repo.k8s().resolve("network-policy.yaml"));
    int second = policies.indexOf("name: redis");
    assertTrue(second > 0, "network-policy.yaml has a second document for redis");
    String mutated =
        policies.substring(0, second) + policies.substring(second).replaceFirst("protocol: TCP", "protocl: TCP");

    assertReported(mutated, "document 1 (NetworkPolicy redis): unknown field spec.ingress[0].ports[0].protocl");
  }

  private static void assertReported(String yaml, String expected) {
    List<String> problems = Manifests.parse("mutated", yaml).problems();
    assertFalse(problems.isEmpty(), "the checker accepted a broken manifest; expected a problem with: " + expected);
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' in " + problems);
  }

  private static String mutate(String yaml, String from, String to) {
    String mutated = yaml.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
    assertNotEquals(yaml, mutated, "the fixture no longer contains '" + from + "'");
    return mutated;
  }

  static List<Path> manifestFiles() {
    try (Stream<Path> files = Files.list(Repo.k8s())) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .filter(f -> !f.getFileName().toString().equals(KUSTOMIZATION)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + Repo.k8s(), e);
    }
  }
}
