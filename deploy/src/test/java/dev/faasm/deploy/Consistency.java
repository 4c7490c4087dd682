package dev.faasm.deploy;

import dev.faasm.deploy.FaasmCli.ProbeTarget;
import dev.faasm.deploy.Manifests.Resource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks that a set of manifests agrees with itself and with the faasm CLI. Every method returns the problems it
 * found, each naming the object and the field; an empty list means consistent.
 *
 * <p>A <em>faasm container</em> runs {@code faasmImage}. One without a {@code command} runs the CLI (the image's
 * ENTRYPOINT) and its first argument is its <em>role</em>: a server subcommand, {@code edge} or {@code processor}.
 * One with a {@code command} (the init containers' wait scripts) runs a script instead.
 */
final class Consistency {
  /** {@code $NAME} or {@code ${NAME...}} in a shell script, for upper-case (environment) names. */
  private static final Pattern SCRIPT_VARIABLE = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)");
  private static final Pattern SCRIPT_ASSIGNMENT = Pattern.compile("(?:^|[\\s;])(?:export\\s+)?([A-Z_][A-Z0-9_]*)=");

  private final List<Resource> resources;
  private final String faasmImage;
  private final List<Workload> workloads;

  /** A pod template and the object that owns it. */
  record Workload(Resource owner, PodTemplateSpec template) {
    String namespace() {
      return owner.object().getMetadata().getNamespace();
    }

    Map<String, String> labels() {
      Map<String, String> labels = template.getMetadata() == null ? null : template.getMetadata().getLabels();
      return labels == null ? Map.of() : labels;
    }

    PodSpec spec() {
      return template.getSpec();
    }

    List<Container> allContainers() {
      return Stream.concat(spec().getInitContainers().stream(), spec().getContainers().stream()).toList();
    }

    String describe() {
      return owner.object().getKind() + " " + owner.object().getMetadata().getName();
    }

    String describe(Container c) {
      return describe() + ", container " + c.getName();
    }
  }

  Consistency(List<Resource> resources, String faasmImage) {
    this.resources = List.copyOf(resources);
    this.faasmImage = Objects.requireNonNull(faasmImage, "faasmImage");
    this.workloads = resources.stream().flatMap(r -> workload(r).stream()).toList();
  }

  List<String> all() {
    List<String> problems = new ArrayList<>();
    problems.addAll(images());
    problems.addAll(environment());
    problems.addAll(ports());
    problems.addAll(probes());
    problems.addAll(selectors());
    return problems;
  }

  // ---------------------------------------------------------------- images and roles

  /** One faasm image everywhere; every CLI container runs a real server subcommand; both roles run somewhere. */
  List<String> images() {
    List<String> problems = new ArrayList<>();
    Set<String> rolesRun = new TreeSet<>();
    String repository = repository(faasmImage);
    for (Workload w : workloads) {
      boolean faasmPod = w.allContainers().stream().anyMatch(c -> faasmImage.equals(c.getImage()));
      for (Container c : w.allContainers()) {
        String image = c.getImage();
        if (!faasmImage.equals(image)) {
          if (faasmPod) {
            problems.add(w.describe(c) + ": image " + image + " in a faasm pod; expected " + faasmImage);
          } else if (image != null && repository(image).equals(repository)) {
            problems.add(w.describe(c) + ": image " + image + " is another version of " + faasmImage);
          }
          continue;
        }
        if (!c.getCommand().isEmpty()) {
          continue; // a script in the faasm image (the init containers): not the CLI
        }
        List<String> args = c.getArgs();
        if (args.isEmpty()) {
          problems.add(w.describe(c) + ": runs the faasm CLI without args (it would print its help and exit)");
        } else if (!FaasmCli.subcommands().contains(args.get(0))) {
          problems.add(w.describe(c) + ": args[0] '" + args.get(0) + "' is not a faasm subcommand; faasm has "
              + FaasmCli.subcommands());
        } else if (!FaasmCli.SERVER_ROLES.contains(args.get(0))) {
          problems.add(w.describe(c) + ": args[0] '" + args.get(0) + "' is not a server role " + FaasmCli.SERVER_ROLES);
        } else {
          rolesRun.add(args.get(0));
        }
      }
    }
    for (String role : new TreeSet<>(FaasmCli.SERVER_ROLES)) {
      if (!rolesRun.contains(role)) {
        problems.add("no container runs `faasm " + role + "` with image " + faasmImage);
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- environment

  /**
   * Every variable a CLI container sets in {@code env} is read by its role (or is a {@link
   * FaasmCli#RUNTIME_VARIABLES runtime variable}). A ConfigMap loaded with {@code envFrom} may be shared by roles:
   * each key must be read by at least one role that loads it. Every value is one the CLI accepts (parsed as the
   * container would start). Scripts in the faasm image only use variables their environment sets.
   */
  List<String> environment() {
    List<String> problems = new ArrayList<>();
    Map<String, Set<String>> rolesLoading = new TreeMap<>(); // ConfigMap -> roles that load it with envFrom
    Set<String> referencedConfigMaps = new TreeSet<>();
    for (Workload w : workloads) {
      for (Volume v : w.spec().getVolumes()) {
        if (v.getConfigMap() != null) {
          referencedConfigMaps.add(key(w.namespace(), v.getConfigMap().getName()));
        }
      }
      for (Container c : w.allContainers()) {
        Environment env = environment(w, c, problems, referencedConfigMaps);
        Optional<String> role = role(c);
        if (role.isPresent()) {
          Map<String, String> read = FaasmCli.variablesRead(role.get());
          for (EnvVar e : c.getEnv()) {
            if (!read.containsKey(e.getName()) && !FaasmCli.RUNTIME_VARIABLES.containsKey(e.getName())
                && FaasmCli.libraryReading(e.getName()).isEmpty()) {
              problems.add(w.describe(c) + ": env " + e.getName() + " is not read by `faasm " + role.get()
                  + "` (no option's variable, not read by its code or logback.xml)");
            }
          }
          for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
              rolesLoading.computeIfAbsent(key(w.namespace(), from.getConfigMapRef().getName()), k -> new TreeSet<>())
                  .add(role.get());
            }
          }
          try {
            FaasmCli.parse(c.getArgs(), env.values());
          } catch (CommandLine.ParameterException e) {
            problems.add(w.describe(c) + ": `faasm " + role.get() + "` rejects this configuration: " + e.getMessage());
          }
        } else if (faasmImage.equals(c.getImage()) && !c.getCommand().isEmpty()) {
          String script = String.join("\n", c.getCommand()) + "\n" + String.join("\n", c.getArgs());
          Set<String> assigned = matches(SCRIPT_ASSIGNMENT, script);
          for (String used : matches(SCRIPT_VARIABLE, script)) {
            if (!assigned.contains(used) && !env.names().contains(used)) {
              problems.add(w.describe(c) + ": its script uses $" + used + ", which its environment does not set");
            }
          }
        }
      }
    }
    for (Resource r : resources) {
      if (!(r.object() instanceof ConfigMap cm)) {
        continue;
      }
      String key = key(cm.getMetadata().getNamespace(), cm.getMetadata().getName());
      Set<String> roles = rolesLoading.get(key);
      if (roles == null) {
        if (!referencedConfigMaps.contains(key)) {
          problems.add("ConfigMap " + cm.getMetadata().getName() + ": no container uses it");
        }
        continue;
      }
      Set<String> read = new TreeSet<>(FaasmCli.RUNTIME_VARIABLES.keySet());
      roles.forEach(role -> read.addAll(FaasmCli.variablesRead(role).keySet()));
      for (String variable : keys(cm)) {
        if (!read.contains(variable) && FaasmCli.libraryReading(variable).isEmpty()) {
          problems.add("ConfigMap " + cm.getMetadata().getName() + ": key " + variable
              + " is read by none of the roles that load it " + roles);
        }
      }
    }
    return problems;
  }

  /** For each ConfigMap that CLI containers load with {@code envFrom}, the roles that load it. */
  Map<String, Set<String>> rolesLoadingConfigMaps() {
    Map<String, Set<String>> loading = new TreeMap<>();
    for (Workload w : workloads) {
      for (Container c : w.allContainers()) {
        Optional<String> role = role(c);
        for (EnvFromSource from : role.isPresent() ? c.getEnvFrom() : List.<EnvFromSource>of()) {
          if (from.getConfigMapRef() != null) {
            loading.computeIfAbsent(from.getConfigMapRef().getName(), k -> new TreeSet<>()).add(role.get());
          }
        }
      }
    }
    return loading;
  }

  /**
   * The settings (option variables) of {@code roles} that a ConfigMap's file never names, neither as a key nor in a
   * comment: a new CLI option nobody decided about for the cluster. A setting left at its default on purpose is
   * named in a comment saying why.
   */
  static List<String> unnamedSettings(String file, String text, Set<String> roles) {
    Map<String, String> settings = new TreeMap<>();
    roles.forEach(role -> FaasmCli.envOptions(role)
        .forEach(o -> settings.putIfAbsent(o.variable(), "faasm " + role + " " + o.option())));
    List<String> problems = new ArrayList<>();
    settings.forEach((variable, option) -> {
      if (!Pattern.compile("\\b" + Pattern.quote(variable) + "\\b").matcher(text).find()) {
        problems.add(file + " does not name " + variable + " (" + option + "): set it, or say in a comment why it "
            + "keeps its default");
      }
    });
    return problems;
  }

  /** A container's environment: every name it gets, and the values known from the manifests. */
  private record Environment(Set<String> names, Map<String, String> values) {}

  private Environment environment(Workload w, Container c, List<String> problems, Set<String> referenced) {
    Set<String> names = new TreeSet<>();
    Map<String, String> values = new HashMap<>();
    for (EnvFromSource from : c.getEnvFrom()) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      if (from.getConfigMapRef() != null) {
        String name = from.getConfigMapRef().getName();
        referenced.add(key(w.namespace(), name));
        Optional<ConfigMap> cm = configMap(w.namespace(), name);
        if (cm.isEmpty()) {
          if (!Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
            problems.add(w.describe(c) + ": envFrom names ConfigMap " + name + ", which the manifests do not define");
          }
          continue;
        }
        Map<String, String> data = cm.get().getData() == null ? Map.of() : cm.get().getData();
        data.forEach((k, v) -> values.put(prefix + k, v));
        keys(cm.get()).forEach(k -> names.add(prefix + k));
      } else if (from.getSecretRef() != null) {
        problems.add(w.describe(c) + ": envFrom a Secret is not checked yet; extend Consistency#environment");
      }
    }
    for (EnvVar e : c.getEnv()) {
      names.add(e.getName());
      if (e.getValue() != null) {
        values.put(e.getName(), e.getValue());
      } else if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
        var ref = e.getValueFrom().getConfigMapKeyRef();
        referenced.add(key(w.namespace(), ref.getName()));
        Optional<String> value = configMap(w.namespace(), ref.getName())
            .map(cm -> cm.getData() == null ? null : cm.getData().get(ref.getKey()));
        if (value.isPresent()) {
          values.put(e.getName(), value.get());
        } else if (!Boolean.TRUE.equals(ref.getOptional())) {
          problems.add(w.describe(c) + ": env " + e.getName() + " takes key " + ref.getKey() + " of ConfigMap "
              + ref.getName() + ", which the manifests do not define");
        }
      } else {
        values.remove(e.getName()); // set at run time (downward API, a Secret): the value is unknown here
      }
    }
    return new Environment(names, values);
  }

  // ---------------------------------------------------------------- ports

  /**
   * Every containerPort of a CLI container is a port its role listens on ({@link FaasmCli#listenPorts}, as its
   * environment and args set them), and the port it serves its API on ({@code --port}) is declared.
   */
  List<String> ports() {
    List<String> problems = new ArrayList<>();
    for (Workload w : workloads) {
      for (Container c : w.spec().getContainers()) {
        Optional<CommandSpec> parsed = parsedRole(w, c);
        if (parsed.isEmpty()) {
          continue;
        }
        String role = parsed.get().name();
        List<Integer> declared = c.getPorts().stream().map(ContainerPort::getContainerPort).toList();
        Set<Integer> listens = FaasmCli.listenPorts(parsed.get());
        for (Integer port : declared) {
          if (!listens.contains(port)) {
            problems.add(w.describe(c) + ": declares containerPort " + port + ", but `faasm " + role
                + "` listens on " + (listens.isEmpty() ? "no port" : listens.toString()));
          }
        }
        Optional<Integer> serving = FaasmCli.servingPort(parsed.get());
        if (serving.isPresent() && !declared.contains(serving.get())) {
          problems.add(w.describe(c) + ": does not declare port " + serving.get() + ", which `faasm " + role
              + "` serves on (" + FaasmCli.PORT_OPTION + " as its environment sets it)");
        }
      }
      for (Container c : w.allContainers()) {
        for (ContainerPort p : c.getPorts()) {
          if (p.getProtocol() != null && !p.getProtocol().equals("TCP")) {
            problems.add(w.describe(c) + ": port " + p.getContainerPort() + " is " + p.getProtocol() + ", not TCP");
          }
        }
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- probes

  /**
   * Every probe's port exists on its container, and an HTTP probe of a CLI container targets a port its role
   * listens on. On the edge's API port ({@code --port}) the path is the edge's own health or readiness route, and the
   * liveness probe's is the health route (readiness depends on Kafka and Redis: failing liveness on it would restart
   * every edge when Kafka is away). Routes on other ports (an admin port) are not introspected.
   */
  List<String> probes() {
    List<String> problems = new ArrayList<>();
    for (Workload w : workloads) {
      for (Container c : w.allContainers()) {
        Optional<String> role = role(c);
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("startupProbe", c.getStartupProbe());
        probes.put("readinessProbe", c.getReadinessProbe());
        probes.put("livenessProbe", c.getLivenessProbe());
        for (Map.Entry<String, Probe> entry : probes.entrySet()) {
          Probe probe = entry.getValue();
          String where = w.describe(c) + ": " + entry.getKey();
          if (probe == null) {
            continue;
          }
          if (probe.getTcpSocket() != null && !hasPort(c, probe.getTcpSocket().getPort())) {
            problems.add(where + " port " + text(probe.getTcpSocket().getPort()) + " is not a port of the container");
          }
          if (probe.getHttpGet() == null) {
            continue;
          }
          if (!hasPort(c, probe.getHttpGet().getPort())) {
            problems.add(where + " port " + text(probe.getHttpGet().getPort()) + " is not a port of the container");
          }
          if (role.isEmpty()) {
            continue; // not the faasm CLI: its routes are not ours to check
          }
          Optional<CommandSpec> parsed = parsedRole(w, c);
          Optional<Integer> port = portNumber(c, probe.getHttpGet().getPort());
          if (parsed.isEmpty() || port.isEmpty()) {
            continue; // reported by environment() or above
          }
          if (!FaasmCli.listenPorts(parsed.get()).contains(port.get())) {
            problems.add(where + " port " + port.get() + " is not a port `faasm " + role.get() + "` listens on");
            continue;
          }
          if (!role.get().equals("edge") || !FaasmCli.servingPort(parsed.get()).equals(port)) {
            continue; // another server's routes (an admin port): only the edge's router can be asked
          }
          String path = probe.getHttpGet().getPath();
          Optional<ProbeTarget> target = FaasmCli.edgeProbeTarget(path);
          if (target.isEmpty()) {
            problems.add(where + " path " + path + " is not the edge's health or readiness route");
          } else if (entry.getKey().equals("livenessProbe") && target.get() != ProbeTarget.HEALTH) {
            problems.add(where + " path " + path + " is the " + target.get() + " route; liveness must use the "
                + "health route (readiness fails while Kafka or Redis is away; failing liveness restarts the pod)");
          }
        }
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- selectors and references

  /**
   * Services select pods that have their target ports; StatefulSets are governed by a headless Service that selects
   * them; PodDisruptionBudgets and NetworkPolicies select pods, and the policies' ports exist on them; the
   * HorizontalPodAutoscaler scales an object that exists; each workload's selector matches its own pods.
   */
  List<String> selectors() {
    List<String> problems = new ArrayList<>();
    for (Resource r : resources) {
      HasMetadata o = r.object();
      String ns = o.getMetadata().getNamespace();
      String name = o.getKind() + " " + o.getMetadata().getName();
      if (o instanceof Service s) {
        Map<String, String> selector = s.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
          problems.add(name + ": has no selector");
          continue;
        }
        List<Workload> selected = select(ns, selector);
        if (selected.isEmpty()) {
          problems.add(name + ": selector " + selector + " matches no pod template");
        }
        for (ServicePort port : s.getSpec().getPorts()) {
          IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
          for (Workload w : selected) {
            if (w.spec().getContainers().stream().noneMatch(c -> hasPort(c, target))) {
              problems.add(name + ": port " + port.getName() + " targets " + text(target) + ", which "
                  + w.describe() + " does not declare");
            }
          }
        }
      } else if (o instanceof StatefulSet sts) {
        String governing = sts.getSpec().getServiceName();
        Optional<Service> service = find(Service.class, ns, governing);
        if (service.isEmpty()) {
          problems.add(name + ": serviceName " + governing + " is not a Service of the manifests");
        } else if (!"None".equals(service.get().getSpec().getClusterIP())) {
          problems.add(name + ": its governing Service " + governing + " is not headless (clusterIP: None)");
        } else if (!matches(service.get().getSpec().getSelector(),
            sts.getSpec().getTemplate().getMetadata().getLabels())) {
          problems.add(name + ": its governing Service " + governing + " does not select its pods");
        }
      } else if (o instanceof PodDisruptionBudget pdb) {
        problems.addAll(selects(name, ns, pdb.getSpec().getSelector()));
      } else if (o instanceof HorizontalPodAutoscaler hpa) {
        var target = hpa.getSpec().getScaleTargetRef();
        boolean exists = resources.stream().map(Resource::object).anyMatch(
            t -> Objects.equals(t.getMetadata().getNamespace(), ns) && t.getKind().equals(target.getKind())
                && t.getMetadata().getName().equals(target.getName())
                && t.getApiVersion().equals(target.getApiVersion()));
        if (!exists) {
          problems.add(name + ": scaleTargetRef " + target.getApiVersion() + " " + target.getKind() + " "
              + target.getName() + " is not in the manifests");
        }
      } else if (o instanceof NetworkPolicy np) {
        problems.addAll(selects(name, ns, np.getSpec().getPodSelector()));
        List<Workload> selected = select(ns, np.getSpec().getPodSelector().getMatchLabels());
        for (var rule : np.getSpec().getIngress()) {
          for (NetworkPolicyPeer peer : rule.getFrom()) {
            if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null) {
              problems.addAll(selects(name + " ingress from", ns, peer.getPodSelector()));
            }
          }
          for (NetworkPolicyPort port : rule.getPorts()) {
            for (Workload w : selected) {
              if (port.getPort() != null
                  && w.spec().getContainers().stream().noneMatch(c -> hasPort(c, port.getPort()))) {
                problems.add(name + ": ingress port " + text(port.getPort()) + " is not a port of " + w.describe());
              }
            }
          }
        }
      }
    }
    for (Workload w : workloads) {
      LabelSelector own = selector(w.owner().object());
      if (own != null && !matches(own.getMatchLabels(), w.labels())) {
        problems.add(w.describe() + ": selector " + own.getMatchLabels() + " does not match its pod labels "
            + w.labels());
      }
    }
    return problems;
  }

  private List<String> selects(String name, String ns, LabelSelector selector) {
    if (selector == null) {
      return List.of(name + ": has no selector");
    }
    if (!selector.getMatchExpressions().isEmpty()) {
      return List.of(name + ": matchExpressions are not checked yet; extend Consistency#selects");
    }
    Map<String, String> labels = selector.getMatchLabels();
    if (labels == null || labels.isEmpty()) {
      return List.of(name + ": selects every pod (empty selector)");
    }
    return select(ns, labels).isEmpty()
        ? List.of(name + ": selector " + labels + " matches no pod template")
        : List.of();
  }

  // ---------------------------------------------------------------- helpers

  /** The role of a container that runs the faasm CLI as a server, if it does. */
  private Optional<String> role(Container c) {
    if (!faasmImage.equals(c.getImage()) || !c.getCommand().isEmpty() || c.getArgs().isEmpty()) {
      return Optional.empty();
    }
    String first = c.getArgs().get(0);
    return FaasmCli.SERVER_ROLES.contains(first) ? Optional.of(first) : Optional.empty();
  }

  private Optional<CommandSpec> parsedRole(Workload w, Container c) {
    if (role(c).isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(FaasmCli.parse(c.getArgs(), environment(w, c, new ArrayList<>(), new TreeSet<>()).values()));
    } catch (CommandLine.ParameterException e) {
      return Optional.empty(); // reported by environment()
    }
  }

  private static Optional<Workload> workload(Resource r) {
    HasMetadata o = r.object();
    PodTemplateSpec template = null;
    if (o instanceof Deployment d) {
      template = d.getSpec().getTemplate();
    } else if (o instanceof StatefulSet s) {
      template = s.getSpec().getTemplate();
    } else if (o instanceof DaemonSet d) {
      template = d.getSpec().getTemplate();
    } else if (o instanceof Pod p) {
      template = new PodTemplateSpec(p.getMetadata(), p.getSpec());
    }
    return Optional.ofNullable(template).map(t -> new Workload(r, t));
  }

  private static LabelSelector selector(HasMetadata o) {
    if (o instanceof Deployment d) {
      return d.getSpec().getSelector();
    } else if (o instanceof StatefulSet s) {
      return s.getSpec().getSelector();
    } else if (o instanceof DaemonSet d) {
      return d.getSpec().getSelector();
    }
    return null;
  }

  private List<Workload> select(String ns, Map<String, String> selector) {
    if (selector == null || selector.isEmpty()) {
      return List.of();
    }
    return workloads.stream().filter(w -> Objects.equals(w.namespace(), ns) && matches(selector, w.labels())).toList();
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty() && labels != null
        && labels.entrySet().containsAll(selector.entrySet());
  }

  private static boolean hasPort(Container c, IntOrString port) {
    if (port == null) {
      return false;
    }
    if (port.getIntVal() != null) {
      return c.getPorts().stream().anyMatch(p -> port.getIntVal().equals(p.getContainerPort()));
    }
    return c.getPorts().stream().anyMatch(p -> port.getStrVal().equals(p.getName()));
  }

  private static Optional<Integer> portNumber(Container c, IntOrString port) {
    if (port == null) {
      return Optional.empty();
    }
    if (port.getIntVal() != null) {
      return Optional.of(port.getIntVal());
    }
    return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort).findFirst();
  }

  private static String text(IntOrString port) {
    return port == null ? "(none)" : port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal();
  }

  private Optional<ConfigMap> configMap(String ns, String name) {
    return find(ConfigMap.class, ns, name);
  }

  private <T extends HasMetadata> Optional<T> find(Class<T> type, String ns, String name) {
    return resources.stream().map(Resource::object).filter(type::isInstance).map(type::cast)
        .filter(o -> Objects.equals(o.getMetadata().getNamespace(), ns) && o.getMetadata().getName().equals(name))
        .findFirst();
  }

  private static Set<String> keys(ConfigMap cm) {
    Set<String> keys = new TreeSet<>();
    if (cm.getData() != null) {
      keys.addAll(cm.getData().keySet());
    }
    if (cm.getBinaryData() != null) {
      keys.addAll(cm.getBinaryData().keySet());
    }
    return keys;
  }

  private static String key(String ns, String name) {
    return (ns == null ? "" : ns + "/") + name;
  }

  private static String repository(String image) {
    int at = image.indexOf('@');
    String name = at >= 0 ? image.substring(0, at) : image;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }

  private static Set<String> matches(Pattern pattern, String text) {
    Set<String> found = new TreeSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
