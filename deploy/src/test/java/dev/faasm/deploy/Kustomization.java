package dev.faasm.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The fields of {@code k8s/kustomization.yaml} the checks use. Unknown fields are ignored here because kustomize
 * itself rejects them ({@code invalid Kustomization: json: unknown field}) when the tests render the directory.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Kustomization(String namespace, List<String> resources, List<Image> images) {
  Kustomization {
    resources = resources == null ? List.of() : List.copyOf(resources);
    images = images == null ? List.of() : List.copyOf(images);
  }

  /** An {@code images:} entry: containers naming {@code name} get {@code newName:newTag} (or {@code @digest}). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Image(String name, String newName, String newTag, String digest) {
    String rendered() {
      String repository = newName != null ? newName : name;
      return digest != null ? repository + "@" + digest : newTag != null ? repository + ":" + newTag : repository;
    }
  }

  static Kustomization read() {
    var file = Repo.k8s().resolve("kustomization.yaml");
    try {
      return Manifests.YAML.readValue(Repo.read(file), Kustomization.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  Image image(String name) {
    return images.stream().filter(i -> Objects.equals(i.name(), name)).findFirst()
        .orElseThrow(() -> new AssertionError("kustomization.yaml has no images entry for " + name + ": " + images));
  }
}
