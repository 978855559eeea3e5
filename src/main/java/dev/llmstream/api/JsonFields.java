package dev.llmstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Typed, range-checked reads of one JSON object's fields. Every failure is an
 * {@link InvalidRequestException} whose {@code param} is the field's name (prefixed with the path of
 * the object), so the 400 tells the client exactly what to fix. Absent and {@code null} fields both
 * mean "not given", as in OpenAI's API.
 */
final class JsonFields {
    private final JsonNode object;
    private final String prefix;

    JsonFields(JsonNode object, String prefix) {
        this.object = object;
        this.prefix = prefix;
    }

    String path(String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** The field's node, or null when absent or JSON null. */
    JsonNode get(String name) {
        JsonNode n = object.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return get(name) != null;
    }

    InvalidRequestException error(String name, String message) {
        String p = path(name);
        return new InvalidRequestException(p, p + ": " + message);
    }

    String string(String name) {
        JsonNode n = get(name);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw error(name, "expected a string, got " + kind(n));
        }
        return n.asText();
    }

    boolean bool(String name, boolean def) {
        JsonNode n = get(name);
        if (n == null) {
            return def;
        }
        if (!n.isBoolean()) {
            throw error(name, "expected true or false, got " + kind(n));
        }
        return n.booleanValue();
    }

    /** A number in [min, max] (bounds exclusive when asked); {@code def} when absent. */
    double number(String name, double def, double min, boolean minExclusive, double max) {
        JsonNode n = get(name);
        if (n == null) {
            return def;
        }
        if (!n.isNumber()) {
            throw error(name, "expected a number, got " + kind(n));
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v) || (minExclusive ? v <= min : v < min) || v > max) {
            throw error(name, String.format(Locale.ROOT, "%s must be in %s%s, %s], got %s", name,
                    minExclusive ? "(" : "[", fmt(min), fmt(max), n.asText()));
        }
        return v;
    }

    /** An integer in [min, max], or null when absent. */
    Integer integer(String name, int min, int max) {
        JsonNode n = get(name);
        if (n == null) {
            return null;
        }
        long v = integralValue(name, n);
        if (v < min || v > max) {
            throw error(name, name + " must be in [" + min + ", " + max + "], got " + n.asText());
        }
        return (int) v;
    }

    /** Any 64-bit integer, or null when absent. */
    Long longValue(String name) {
        JsonNode n = get(name);
        return n == null ? null : integralValue(name, n);
    }

    private long integralValue(String name, JsonNode n) {
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        // 5.0 is an integer in JSON's data model (Python clients send it): accept it
        if (n.isFloatingPointNumber() && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 9.0e15) {
            return (long) n.doubleValue();
        }
        throw error(name, "expected an integer, got " + kind(n));
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> n.isIntegralNumber() ? "the integer " + abbreviate(n.asText()) : "the number " + n.asText();
            case BOOLEAN -> n.asText();
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL, MISSING -> "null";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 24 ? s.substring(0, 21) + "..." : s;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
