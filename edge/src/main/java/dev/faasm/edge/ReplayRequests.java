package dev.faasm.edge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.faasm.protocol.CallIds;
import dev.faasm.protocol.Names;
import dev.faasm.protocol.proto.PartitionRange;
import dev.faasm.protocol.proto.ReplayOutcome;
import dev.faasm.protocol.proto.ReplayRequest;
import dev.faasm.protocol.proto.ReplayTarget;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /replays}: a JSON object whose fields are all optional (an empty body replays everything
 * within the defaults), validated into a {@link ReplayRequest}. Every refusal is a 400 whose message and
 * {@code "field"} name the field at fault.
 *
 * <pre>
 * from, to        ISO-8601 instant string or epoch milliseconds; to is exclusive; from &lt; to
 * partitions      [{"partition": 0, "fromOffset": 10, "toOffset": 20}], toOffset optional and exclusive
 * user, function  names ([A-Za-z0-9_-]{1,64})
 * outcome         "any" (default) | "succeeded" | "failed": the original result
 * callId          32 lowercase hex digits
 * max             1..100000, default 10000
 * target          "original" (default) | "current" | "digest" | "function"
 * digest          64 lowercase hex digits; required iff target is "digest"
 * targetFunction  a name; required iff target is "function", and then user is required too
 * rate            calls per second, &gt; 0; absent = as fast as live traffic allows
 * dryRun          boolean
 * </pre>
 *
 * <p>A null value means the field is absent, so the normalized {@code "request"} of a report ({@link ReplayJson}) can
 * be posted again as it is. Whether {@code targetFunction} exists is checked by the handler, not here.
 */
final class ReplayRequests {
  static final int MAX_BODY_BYTES = 64 * 1024;
  static final int DEFAULT_MAX_CALLS = 10_000;
  static final int MAX_MAX_CALLS = 100_000;

  /** Largest accepted time: the end of year 9999, so every accepted time prints as a plain ISO-8601 instant. */
  static final long MAX_EPOCH_MILLIS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final List<String> FIELDS = List.of(
      "from", "to", "partitions", "user", "function", "outcome", "callId", "max", "target", "digest",
      "targetFunction", "rate", "dryRun");
  private static final List<String> PARTITION_FIELDS = List.of("partition", "fromOffset", "toOffset");
  private static final JSON READER = JSON.std.with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

  private ReplayRequests() {}

  /**
   * @param body the request body, possibly empty
   * @return the validated request, with {@code replayId} and {@code requestedAtMillis} set
   * @throws EdgeException 400 naming the field and the problem
   */
  static ReplayRequest parse(byte[] body, String replayId, long requestedAtMillis) {
    ReplayRequest.Builder r = ReplayRequest.newBuilder()
        .setReplayId(replayId)
        .setRequestedAtMillis(requestedAtMillis)
        .setOutcome(ReplayOutcome.REPLAY_OUTCOME_ANY)
        .setMaxCalls(DEFAULT_MAX_CALLS)
        .setTarget(ReplayTarget.REPLAY_TARGET_ORIGINAL);
    Map<String, Object> fields = object(body);
    for (String key : fields.keySet()) {
      if (!FIELDS.contains(key)) {
        throw invalid(
            key, "unknown field '" + RequestPath.shorten(key) + "'; known fields: " + String.join(", ", FIELDS));
      }
    }
    Object v;
    if ((v = fields.get("from")) != null) {
      r.setFromMillis(time("from", v));
    }
    if ((v = fields.get("to")) != null) {
      r.setToMillis(time("to", v));
    }
    if (r.hasFromMillis() && r.hasToMillis() && r.getFromMillis() >= r.getToMillis()) {
      throw invalid("to", "'to' (" + CallJson.iso(r.getToMillis()) + ") must be after 'from' ("
          + CallJson.iso(r.getFromMillis()) + ")");
    }
    if ((v = fields.get("partitions")) != null) {
      r.addAllPartitions(partitions(v));
    }
    if ((v = fields.get("user")) != null) {
      r.setUser(name("user", v));
    }
    if ((v = fields.get("function")) != null) {
      r.setFunction(name("function", v));
    }
    if ((v = fields.get("outcome")) != null) {
      r.setOutcome(switch (string("outcome", v)) {
        case "any" -> ReplayOutcome.REPLAY_OUTCOME_ANY;
        case "succeeded" -> ReplayOutcome.REPLAY_OUTCOME_SUCCEEDED;
        case "failed" -> ReplayOutcome.REPLAY_OUTCOME_FAILED;
        default -> throw invalid("outcome", "'outcome' must be \"any\", \"succeeded\" or \"failed\", not "
            + quoted(v));
      });
    }
    if ((v = fields.get("callId")) != null) {
      String id = string("callId", v);
      if (!CallIds.isValid(id)) {
        throw invalid("callId", "'callId' must be 32 lowercase hex digits, not " + quoted(v));
      }
      r.setCallId(id);
    }
    if ((v = fields.get("max")) != null) {
      long max = integer("max", v);
      if (max < 1 || max > MAX_MAX_CALLS) {
        throw invalid("max", "'max' must be from 1 to " + MAX_MAX_CALLS + ", not " + max);
      }
      r.setMaxCalls((int) max);
    }
    target(r, fields);
    if ((v = fields.get("rate")) != null) {
      if (!(v instanceof Number n)) {
        throw wrongType("rate", "a number (calls per second)", v);
      }
      double rate = n.doubleValue();
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw invalid("rate", "'rate' must be a number of calls per second above 0, not " + v);
      }
      r.setRatePerSecond(rate);
    }
    if ((v = fields.get("dryRun")) != null) {
      if (!(v instanceof Boolean b)) {
        throw wrongType("dryRun", "true or false", v);
      }
      r.setDryRun(b);
    }
    return r.build();
  }

  private static void target(ReplayRequest.Builder r, Map<String, Object> fields) {
    Object v = fields.get("target");
    String target = v == null ? "original" : string("target", v);
    Object digest = fields.get("digest");
    Object function = fields.get("targetFunction");
    switch (target) {
      case "original" -> r.setTarget(ReplayTarget.REPLAY_TARGET_ORIGINAL);
      case "current" -> r.setTarget(ReplayTarget.REPLAY_TARGET_CURRENT);
      case "digest" -> {
        if (digest == null) {
          throw invalid("digest", "'digest' is required when 'target' is \"digest\"");
        }
        String d = string("digest", digest);
        if (!DIGEST.matcher(d).matches()) {
          throw invalid("digest", "'digest' must be 64 lowercase hex digits (a module's sha-256), not " + quoted(d));
        }
        r.setTarget(ReplayTarget.REPLAY_TARGET_DIGEST).setDigest(d);
      }
      case "function" -> {
        if (function == null) {
          throw invalid("targetFunction", "'targetFunction' is required when 'target' is \"function\"");
        }
        r.setTarget(ReplayTarget.REPLAY_TARGET_FUNCTION).setTargetFunction(name("targetFunction", function));
        if (r.getUser().isEmpty()) {
          throw invalid("user", "'user' is required when 'target' is \"function\" (the target function is the user's)");
        }
      }
      default -> throw invalid("target", "'target' must be \"original\", \"current\", \"digest\" or \"function\", not "
          + quoted(v));
    }
    if (digest != null && !target.equals("digest")) {
      throw invalid("digest", "'digest' is only allowed when 'target' is \"digest\"");
    }
    if (function != null && !target.equals("function")) {
      throw invalid("targetFunction", "'targetFunction' is only allowed when 'target' is \"function\"");
    }
  }

  /** The body as a JSON object; an empty (or blank) body is an empty object. */
  private static Map<String, Object> object(byte[] body) {
    if (isBlank(body)) {
      return Map.of();
    }
    Object value;
    try (JsonParser parser = READER.createParser(body)) {
      value = READER.anyFrom(parser);
      if (parser.nextToken() != null) {
        throw notJson("unexpected content after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw notJson(e.getOriginalMessage());
    } catch (IOException e) {
      throw notJson(e.getMessage());
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new EdgeException(400, "the request body must be a JSON object, not " + type(value));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) map;
    return fields;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static EdgeException notJson(String why) {
    String message = why == null ? "" : why.replaceAll("\\s+", " ");
    return new EdgeException(400, "the request body is not valid JSON: " + RequestPath.shorten(message));
  }

  private static long time(String field, Object v) {
    long millis;
    if (v instanceof String s) {
      try {
        millis = Instant.parse(s).toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        throw invalid(field, "'" + field + "' must be an ISO-8601 instant such as 2026-12-01T10:00:00Z, not "
            + quoted(s));
      }
    } else if (v instanceof Number) {
      millis = integer(field, v);
    } else {
      throw wrongType(field, "an ISO-8601 instant string or epoch milliseconds", v);
    }
    if (millis < 0 || millis > MAX_EPOCH_MILLIS) {
      throw invalid(field, "'" + field + "' must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z");
    }
    return millis;
  }

  private static List<PartitionRange> partitions(Object v) {
    if (!(v instanceof List<?> list)) {
      throw wrongType("partitions", "an array of {\"partition\", \"fromOffset\", \"toOffset\"} objects", v);
    }
    Set<Integer> seen = new HashSet<>();
    return list.stream().map(item -> {
      if (!(item instanceof Map<?, ?> m)) {
        throw wrongType("partitions", "an array of {\"partition\", \"fromOffset\", \"toOffset\"} objects", item);
      }
      for (Object key : m.keySet()) {
        if (!PARTITION_FIELDS.contains(key)) {
          throw invalid("partitions", "unknown field '" + RequestPath.shorten(String.valueOf(key))
              + "' in 'partitions'; known fields: " + String.join(", ", PARTITION_FIELDS));
        }
      }
      Object p = m.get("partition");
      Object from = m.get("fromOffset");
      if (p == null || from == null) {
        throw invalid("partitions", "every entry of 'partitions' needs \"partition\" and \"fromOffset\"");
      }
      long partition = integer("partitions", p);
      long fromOffset = integer("partitions", from);
      if (partition < 0 || partition > Integer.MAX_VALUE || fromOffset < 0) {
        throw invalid("partitions", "partitions and offsets in 'partitions' must not be negative");
      }
      if (!seen.add((int) partition)) {
        throw invalid("partitions", "partition " + partition + " is listed more than once in 'partitions'");
      }
      PartitionRange.Builder range =
          PartitionRange.newBuilder().setPartition((int) partition).setFromOffset(fromOffset);
      Object to = m.get("toOffset");
      if (to != null) {
        long toOffset = integer("partitions", to);
        if (toOffset <= fromOffset) {
          throw invalid("partitions", "in 'partitions', toOffset (" + toOffset + ") of partition " + partition
              + " must be above fromOffset (" + fromOffset + "); it is exclusive");
        }
        range.setToOffset(toOffset);
      }
      return range.build();
    }).toList();
  }

  private static String name(String field, Object v) {
    String name = string(field, v);
    if (!Names.isValid(name)) {
      throw invalid(field, "'" + field + "' must be a name matching [A-Za-z0-9_-]{1," + Names.MAX_LENGTH + "}, not "
          + quoted(name));
    }
    return name;
  }

  private static String string(String field, Object v) {
    if (!(v instanceof String s)) {
      throw wrongType(field, "a string", v);
    }
    return s;
  }

  private static long integer(String field, Object v) {
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger) {
      throw invalid(field, "'" + field + "' is out of range: " + RequestPath.shorten(v.toString()));
    }
    throw wrongType(field, "an integer", v);
  }

  private static EdgeException wrongType(String field, String expected, Object v) {
    return invalid(field, "'" + field + "' must be " + expected + ", not " + type(v));
  }

  private static EdgeException invalid(String field, String message) {
    return EdgeException.badRequest(message).with("field", field);
  }

  private static String type(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof Number n) {
      return "the number " + RequestPath.shorten(n.toString());
    }
    if (v instanceof List) {
      return "an array";
    }
    if (v instanceof Map) {
      return "an object";
    }
    return v.getClass().getSimpleName();
  }

  private static String quoted(Object v) {
    return v instanceof String s ? Json.quote(RequestPath.shorten(s)) : type(v);
  }
}
