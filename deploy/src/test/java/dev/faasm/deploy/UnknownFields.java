package dev.faasm.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds fields fabric8 did not recognise. Its model never rejects an unknown field: it keeps it in the object's
 * {@code additionalProperties}. This walks the whole object graph (every property Jackson maps, through lists and
 * maps) and returns the path of every entry of a non-empty {@code additionalProperties}, e.g.
 * {@code spec.template.spec.containers[0].ports[0].containerPrt}.
 */
final class UnknownFields {
  private static final Map<Class<?>, List<BeanPropertyDefinition>> PROPERTIES = new ConcurrentHashMap<>();

  private UnknownFields() {}

  static List<String> find(Object root) {
    List<String> found = new ArrayList<>();
    walk("", root, found, Collections.newSetFromMap(new IdentityHashMap<>()));
    return found;
  }

  private static void walk(String path, Object value, List<String> found, Set<Object> seen) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(path + "[" + i++ + "]", item, found, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(child(path, String.valueOf(k)), v, found, seen));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.") || !seen.add(value)) {
      return; // a scalar (String, Integer, Boolean...) or an object already walked
    }
    additionalProperties(value).keySet().forEach(k -> found.add(child(path, String.valueOf(k))));
    for (BeanPropertyDefinition property : properties(value.getClass())) {
      AnnotatedMember accessor = property.getAccessor();
      Object child;
      try {
        child = accessor.getValue(value);
      } catch (RuntimeException e) {
        found.add(child(path, property.getName()) + " (unreadable: " + e + ")");
        continue;
      }
      walk(child(path, property.getName()), child, found, seen);
    }
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static List<BeanPropertyDefinition> properties(Class<?> type) {
    return PROPERTIES.computeIfAbsent(type, t -> {
      BeanDescription description =
          Manifests.YAML.getSerializationConfig().introspect(Manifests.YAML.constructType(t));
      return description.findProperties().stream().filter(p -> p.getAccessor() != null).toList();
    });
  }

  private static Map<?, ?> additionalProperties(Object value) {
    Method getter;
    try {
      getter = value.getClass().getMethod("getAdditionalProperties");
    } catch (NoSuchMethodException e) {
      return Map.of(); // e.g. Quantity and IntOrString hold a scalar, not fields
    }
    try {
      Object map = getter.invoke(value);
      return map instanceof Map<?, ?> m ? m : Map.of();
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read additionalProperties of " + value.getClass().getName(), e);
    }
  }
}
