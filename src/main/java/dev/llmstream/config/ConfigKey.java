package dev.llmstream.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration key: its dotted name (as in {@code config/llmstream.yaml}), type, default and
 * allowed range. The environment variable is derived from the name
 * ({@code server.max_in_flight} → {@code LLMSTREAM_SERVER_MAX_IN_FLIGHT}).
 *
 * @param name        dotted key
 * @param type        how the raw value is read
 * @param defaultValue the value when no source sets it (a String, Long, Boolean or List)
 * @param min         lower bound for numbers
 * @param max         upper bound for numbers
 * @param help        one line for messages and docs
 */
public record ConfigKey(String name, Type type, Object defaultValue, long min, long max, String help) {

    public enum Type { STRING, INT, BOOL, LIST }

    static ConfigKey string(String name, String def, String help) {
        return new ConfigKey(name, Type.STRING, def, 0, 0, help);
    }

    static ConfigKey integer(String name, long def, long min, long max, String help) {
        return new ConfigKey(name, Type.INT, def, min, max, help);
    }

    static ConfigKey bool(String name, boolean def, String help) {
        return new ConfigKey(name, Type.BOOL, def, 0, 0, help);
    }

    static ConfigKey list(String name, String help) {
        return new ConfigKey(name, Type.LIST, List.of(), 0, 0, help);
    }

    /** The environment variable that sets this key. */
    public String envName() {
        return "LLMSTREAM_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * Converts a raw value from YAML (String, Number, Boolean, List) or from the environment/flags
     * (String; lists comma-separated) to this key's type, checking the range.
     *
     * @param source where the value came from, for the message ({@code "env LLMSTREAM_SERVER_PORT"})
     */
    Object convert(Object raw, String source) {
        return switch (type) {
            case STRING -> {
                if (raw instanceof List || raw instanceof java.util.Map) {
                    throw bad(source, "expected a single value, got " + raw);
                }
                yield String.valueOf(raw).trim();
            }
            case INT -> {
                long v;
                if (raw instanceof Number n && (n instanceof Integer || n instanceof Long)) {
                    v = n.longValue();
                } else {
                    try {
                        v = Long.parseLong(String.valueOf(raw).trim().replace("_", ""));
                    } catch (NumberFormatException e) {
                        throw bad(source, "expected an integer, got '" + raw + "'");
                    }
                }
                if (v < min || v > max) {
                    throw bad(source, "must be in [" + min + ", " + max + "], got " + v);
                }
                yield v;
            }
            case BOOL -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
                yield switch (s) {
                    case "true", "yes", "on", "1" -> true;
                    case "false", "no", "off", "0" -> false;
                    default -> throw bad(source, "expected true or false, got '" + raw + "'");
                };
            }
            case LIST -> {
                if (raw instanceof List<?> l) {
                    yield l.stream().map(o -> {
                        if (o instanceof List || o instanceof java.util.Map || o == null) {
                            throw bad(source, "expected a list of plain values");
                        }
                        return String.valueOf(o).trim();
                    }).filter(s -> !s.isEmpty()).toList();
                }
                String s = String.valueOf(raw).trim();
                yield s.isEmpty() ? List.of()
                        : java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            }
        };
    }

    private ConfigException bad(String source, String message) {
        return new ConfigException(name, message + " (from " + source + ")");
    }
}
