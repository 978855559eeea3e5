package dev.llmstream.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file in file order, with typed accessors. Keys follow the GGUF
 * naming scheme ({@code general.architecture}, {@code llama.block_count},
 * {@code tokenizer.ggml.tokens}, ...). Accessors are lenient about integer widths (a key written as
 * UINT32 by one converter and INT32 by another reads the same) but strict about kinds (a string is
 * never read as a number).
 */
public final class GgufMetadata {
    private final Map<String, GgufValue> entries;

    public GgufMetadata(Map<String, GgufValue> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public Map<String, GgufValue> asMap() {
        return entries;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public int size() {
        return entries.size();
    }

    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public Optional<String> getString(String key) {
        GgufValue v = entries.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.STRING) {
            throw wrongType(key, v, "a string");
        }
        return Optional.of(v.asString());
    }

    public OptionalLong getLong(String key) {
        GgufValue v = entries.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!v.isInteger() && v.type() != GgufValueType.BOOL) {
            throw wrongType(key, v, "an integer");
        }
        return OptionalLong.of(v.asLong());
    }

    public OptionalDouble getDouble(String key) {
        GgufValue v = entries.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        if (!v.isNumber()) {
            throw wrongType(key, v, "a number");
        }
        return OptionalDouble.of(v.asDouble());
    }

    public Optional<Boolean> getBoolean(String key) {
        GgufValue v = entries.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.BOOL && !v.isInteger()) {
            throw wrongType(key, v, "a bool");
        }
        return Optional.of(v.asBoolean());
    }

    public Optional<GgufArray> getArray(String key) {
        GgufValue v = entries.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.ARRAY) {
            throw wrongType(key, v, "an array");
        }
        return Optional.of(v.asArray());
    }

    public String requireString(String key) {
        return getString(key).orElseThrow(() -> missing(key));
    }

    public long requireLong(String key) {
        return getLong(key).orElseThrow(() -> missing(key));
    }

    public int requireInt(String key) {
        long v = requireLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new GgufFormatException(-1, key, "value " + v + " does not fit in an int");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) {
        OptionalLong v = getLong(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        if (v.getAsLong() < Integer.MIN_VALUE || v.getAsLong() > Integer.MAX_VALUE) {
            throw new GgufFormatException(-1, key, "value " + v.getAsLong() + " does not fit in an int");
        }
        return (int) v.getAsLong();
    }

    public float getFloat(String key, float defaultValue) {
        OptionalDouble v = getDouble(key);
        return v.isPresent() ? (float) v.getAsDouble() : defaultValue;
    }

    public GgufArray requireArray(String key) {
        return getArray(key).orElseThrow(() -> missing(key));
    }

    /** The architecture name ({@code general.architecture}), e.g. {@code llama}, {@code qwen2}. */
    public Optional<String> architecture() {
        return getString("general.architecture");
    }

    private static GgufFormatException missing(String key) {
        return new GgufFormatException(-1, key, "required metadata key is missing");
    }

    private static GgufFormatException wrongType(String key, GgufValue v, String expected) {
        return new GgufFormatException(-1, key, "expected " + expected + " but the file has " + v.type());
    }

    @Override
    public String toString() {
        return "GgufMetadata" + entries.keySet();
    }
}
