package dev.faasm.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the manifests start a faasm container: its arguments and its environment (the ConfigMap it reads with {@code
 * envFrom}, then its own {@code env}, a {@code fieldRef} to the pod name resolved to the given pod name), as the
 * kubelet would compose them.
 */
record ManifestEnv(List<String> args, Map<String, String> env) {

  /** The main container of workload {@code workload} (a Deployment or StatefulSet in k8s/) running as pod {@code pod}. */
  static ManifestEnv of(String workload, String pod) {
    List<Manifests.Resource> all = Manifests.parse("k8s", Kustomize.render()).strict();
    PodSpec spec = all.stream()
        .map(Manifests.Resource::object)
        .filter(o -> o.getMetadata().getName().equals(workload))
        .filter(o -> o instanceof StatefulSet || o instanceof Deployment)
        .map(ManifestEnv::podSpec)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no workload " + workload + " in k8s/"));
    Container container = spec.getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (var from : container.getEnvFrom()) {
      String name = from.getConfigMapRef().getName();
      ConfigMap map = all.stream()
          .map(Manifests.Resource::object)
          .filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(name))
          .map(ConfigMap.class::cast)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
      env.putAll(map.getData());
    }
    for (EnvVar e : container.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
          && "metadata.name".equals(e.getValueFrom().getFieldRef().getFieldPath())) {
        env.put(e.getName(), pod);
      } else {
        throw new AssertionError("cannot resolve env " + e.getName() + " of " + workload);
      }
    }
    return new ManifestEnv(List.copyOf(container.getArgs()), Map.copyOf(env));
  }

  private static PodSpec podSpec(HasMetadata o) {
    if (o instanceof StatefulSet s) {
      return s.getSpec().getTemplate().getSpec();
    }
    if (o instanceof Deployment d) {
      return d.getSpec().getTemplate().getSpec();
    }
    throw new AssertionError(o.getKind() + " " + o.getMetadata().getName() + " is not a workload");
  }
}
