package dev.llmstream.frontend.template;

import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.collections.PyMap;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of template values, for the places where a template
 * turns a non-string into text through Python: the {@code |string} filter and {@code str.format}.
 * For example Apriel templates print each tool with {@code {{ tool|string }}}, which in Python is the
 * dict's repr, {@code {'type': 'function', ...}}, not Java's {@code {type=function, ...}}.
 */
final class PyRepr {
    private PyRepr() {}

    /** {@code str(value)}: strings as they are, everything else as its repr. */
    static String str(Object value) {
        return switch (value) {
            case String s -> s;
            case SafeString s -> s.toString();
            default -> repr(value);
        };
    }

    /** {@code repr(value)} for the types templates see (JSON-like data). */
    static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("None");
            case Boolean b -> out.append(b ? "True" : "False");
            case Double d -> out.append(floatText(d));
            case Float f -> out.append(floatText(f.doubleValue()));
            case BigDecimal d -> out.append(floatText(d.doubleValue()));
            case Number n -> out.append(n);
            case CharSequence s -> quote(out, s.toString());
            case SafeString s -> quote(out, s.toString());
            case Map<?, ?> map -> {
                out.append('{');
                Iterator<? extends Map.Entry<?, ?>> it = unobserved(map).entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<?, ?> e = it.next();
                    append(out, e.getKey());
                    out.append(": ");
                    append(out, e.getValue());
                    if (it.hasNext()) {
                        out.append(", ");
                    }
                }
                out.append('}');
            }
            case Collection<?> items -> {
                out.append('[');
                Iterator<?> it = items.iterator();
                while (it.hasNext()) {
                    append(out, it.next());
                    if (it.hasNext()) {
                        out.append(", ");
                    }
                }
                out.append(']');
            }
            default -> out.append(value);
        }
    }

    /**
     * Printing an object is not reading its fields in llama.cpp's capability probes (only
     * expressions that evaluate a field are), so a probe map is printed without recording.
     */
    private static Map<?, ?> unobserved(Map<?, ?> map) {
        Map<?, ?> m = map instanceof PyMap wrapped ? wrapped.toMap() : map;
        return m instanceof TemplateCapabilities.AccessRecordingMap probe ? probe.unrecorded() : m;
    }

    /** Python prints {@code inf}/{@code nan} where JSON writes {@code Infinity}/{@code NaN}. */
    private static String floatText(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return PyJson.floatRepr(d);
    }

    /** Single quotes unless the text has a single quote and no double quote, as Python does. */
    private static void quote(StringBuilder out, String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == q) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append(q);
    }
}
