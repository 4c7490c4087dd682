package dev.faasm.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Kubernetes YAML (one or more documents) into fabric8's typed model. Strict: a document whose kind has no
 * model, a value of the wrong type, a duplicate key or an unknown field (see {@link UnknownFields}) is a problem,
 * reported with the source and the path of the field.
 */
final class Manifests {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** One parsed document; {@code source} names the file (or the kustomize output) and the document's index. */
  record Resource(String source, HasMetadata object) {}

  /** The documents and every problem found while reading them. */
  record Parsed(List<Resource> resources, List<String> problems) {
    Parsed {
      resources = List.copyOf(resources);
      problems = List.copyOf(problems);
    }

    /** The resources, failing with every problem when there is one. */
    List<Resource> strict() {
      if (!problems.isEmpty()) {
        throw new AssertionError(
            "manifests do not match the Kubernetes API types:\n  " + String.join("\n  ", problems));
      }
      return resources;
    }
  }

  private Manifests() {}

  static Parsed parse(String source, String yaml) {
    List<Resource> resources = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        documents.add(it.next());
      }
    } catch (IOException | RuntimeException e) {
      problems.add(source + ": not valid YAML: " + e.getMessage());
      return new Parsed(resources, problems);
    }
    int index = 0;
    for (JsonNode document : documents) {
      if (document == null || document.isNull() || document.isMissingNode() || document.isEmpty()) {
        continue; // an empty document, e.g. after a trailing ---
      }
      String where = source + " document " + index++;
      HasMetadata object;
      try {
        KubernetesResource read = YAML.treeToValue(document, KubernetesResource.class);
        if (!(read instanceof HasMetadata hasMetadata)) {
          problems.add(where + ": not a Kubernetes object: " + read.getClass().getName());
          continue;
        }
        object = hasMetadata;
      } catch (IOException | RuntimeException e) {
        problems.add(where + ": " + e.getMessage());
        continue;
      }
      String kind = object.getApiVersion() + " " + object.getKind();
      if (object instanceof GenericKubernetesResource) {
        problems.add(where + ": no fabric8 model for " + kind
            + " (misspelled kind or apiVersion, or a model artifact missing from deploy/pom.xml)");
        continue;
      }
      if (object.getMetadata() == null || object.getMetadata().getName() == null) {
        problems.add(where + ": " + kind + " without metadata.name");
        continue;
      }
      for (String path : UnknownFields.find(object)) {
        problems.add(where + " (" + object.getKind() + " " + object.getMetadata().getName() + "): unknown field "
            + path);
      }
      resources.add(new Resource(where, object));
    }
    return new Parsed(resources, problems);
  }
}
