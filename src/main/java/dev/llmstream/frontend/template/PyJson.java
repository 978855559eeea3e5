package dev.llmstream.frontend.template;

import com.hubspot.jinjava.objects.SafeString;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serialises template values exactly like Python's {@code json.dumps}, which is what Hugging Face
 * chat templates get from {@code tojson} (transformers replaces Jinja's HTML-escaping filter with
 * {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=...)}) and
 * what llama.cpp's template engine mimics. The details that differ from a Java JSON library matter
 * because the text lands in the prompt: default separators {@code ", "} and {@code ": "} (item
 * separator {@code ","} once an indent is given), no escaping of {@code <>&'/} or non-ASCII text,
 * control characters as lowercase <code>&#92;u00XX</code>, and floats in Python's {@code repr} form
 * ({@code 1.0}, {@code 1e-05}, {@code 1e+16}).
 */
final class PyJson {
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean ensureAscii;
    private final boolean sortKeys;

    /**
     * @param indent {@code null} for a single line, else the indent unit per level
     * @param separators {@code null} for Python's defaults, else {@code [item, key]} separators
     */
    PyJson(String indent, List<String> separators, boolean ensureAscii, boolean sortKeys) {
        this.indent = indent;
        this.itemSeparator = separators != null ? separators.get(0) : indent == null ? ", " : ",";
        this.keySeparator = separators != null ? separators.get(1) : ": ";
        this.ensureAscii = ensureAscii;
        this.sortKeys = sortKeys;
    }

    /** {@code json.dumps(value, ensure_ascii=False)}. */
    static String dumps(Object value) {
        return new PyJson(null, null, false, false).write(value);
    }

    String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private void write(StringBuilder out, Object value, int level) {
        switch (value) {
            case null -> out.append("null");
            case Optional<?> opt -> write(out, opt.orElse(null), level);
            case CharSequence s -> writeString(out, s.toString());
            case SafeString s -> writeString(out, s.toString());
            case Character c -> writeString(out, c.toString());
            case Boolean b -> out.append(b ? "true" : "false");
            case Double d -> out.append(floatRepr(d));
            case Float f -> out.append(floatRepr(f.doubleValue()));
            case BigDecimal d -> out.append(floatRepr(d.doubleValue()));
            case Long l -> out.append(l);
            case Integer i -> out.append(i);
            case Short s -> out.append(s);
            case Byte b -> out.append(b);
            case BigInteger b -> out.append(b);
            case Map<?, ?> map -> writeObject(out, map, level);
            case Collection<?> items -> writeArray(out, items, level);
            case Object[] items -> writeArray(out, List.of(items), level);
            default -> throw new IllegalArgumentException(
                    "Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
        }
    }

    private void writeArray(StringBuilder out, Collection<?> items, int level) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(itemSeparator);
            }
            newline(out, level + 1);
            write(out, item, level + 1);
            first = false;
        }
        newline(out, level);
        out.append(']');
    }

    private void writeObject(StringBuilder out, Map<?, ?> map, int level) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(keyString(e.getKey()), e.getValue()));
        }
        if (sortKeys) {
            entries.sort(Map.Entry.comparingByKey());
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : entries) {
            if (!first) {
                out.append(itemSeparator);
            }
            newline(out, level + 1);
            writeString(out, e.getKey());
            out.append(keySeparator);
            write(out, e.getValue(), level + 1);
            first = false;
        }
        newline(out, level);
        out.append('}');
    }

    /** Python converts str, int, float, bool and None keys; anything else is a TypeError. */
    private static String keyString(Object key) {
        return switch (key) {
            case null -> "null";
            case CharSequence s -> s.toString();
            case Boolean b -> b ? "true" : "false";
            case Double d -> floatRepr(d);
            case Float f -> floatRepr(f.doubleValue());
            case Number n -> n.toString();
            default -> throw new IllegalArgumentException(
                    "keys must be str, int, float, bool or None, not " + key.getClass().getSimpleName());
        };
    }

    private void newline(StringBuilder out, int level) {
        if (indent != null) {
            out.append('\n');
            out.append(indent.repeat(level));
        }
    }

    private void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        // UTF-16 units, so astral characters become a surrogate pair like Python's
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Python's {@code float.__repr__}: the shortest digits that round-trip (Java's
     * {@link Double#toString} also produces those since JDK 19), written in fixed notation when the
     * decimal exponent is in [-4, 16) and as {@code d.ddde±XX} otherwise.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        if (digits.length() == 2) {
            // Java may print two digits where one round-trips, when the two-digit form is closer
            // (4.9E-324); Python prints the shortest form, the one nearest the exact value (5e-324).
            BigDecimal target = new BigDecimal(Math.abs(d));
            BigDecimal best = null;
            int first = digits.charAt(0) - '0';
            for (int candidate : new int[] {first, first + 1}) {
                BigDecimal value = new BigDecimal(BigInteger.valueOf(candidate), -exponent);
                if (value.doubleValue() == Math.abs(d)
                        && (best == null || value.subtract(target).abs().compareTo(best.subtract(target).abs()) < 0)) {
                    best = value;
                }
            }
            if (best != null) {
                BigDecimal shortest = best.stripTrailingZeros();
                digits = shortest.unscaledValue().toString();
                exponent = digits.length() - 1 - shortest.scale();
            }
        }
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (exponent >= -4 && exponent < 16) {
            if (exponent >= digits.length() - 1) {
                out.append(digits).append("0".repeat(exponent - digits.length() + 1)).append(".0");
            } else if (exponent >= 0) {
                out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
            } else {
                out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            out.append(abs < 10 ? "0" : "").append(abs);
        }
        return out.toString();
    }
}
