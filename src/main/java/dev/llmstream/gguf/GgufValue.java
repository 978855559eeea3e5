package dev.llmstream.gguf;

import java.util.Objects;

/**
 * One typed metadata value. The Java representation by type: integer types up to 16 bits and
 * INT32 as {@link Integer}; UINT32, UINT64, INT64 as {@link Long} (UINT64 keeps its raw bits);
 * FLOAT32 as {@link Float}; FLOAT64 as {@link Double}; BOOL as {@link Boolean}; STRING as
 * {@link String}; ARRAY as {@link GgufArray}. The GGUF type is kept so a value can be written back
 * exactly as it was read.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32 -> Integer.class;
            case UINT32, UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(type + " value must be a " + expected.getSimpleName()
                    + ", got " + value.getClass().getSimpleName());
        }
    }

    public static GgufValue ofString(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    public static GgufValue ofUint32(long v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue ofArray(GgufArray a) {
        return new GgufValue(GgufValueType.ARRAY, a);
    }

    public boolean isInteger() {
        return type.isInteger();
    }

    public boolean isNumber() {
        return type.isInteger() || type == GgufValueType.FLOAT32 || type == GgufValueType.FLOAT64;
    }

    /** Integer value, widened; BOOL reads as 0/1. Throws if this is not an integer. */
    public long asLong() {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new IllegalStateException("not an integer: " + type);
    }

    public double asDouble() {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalStateException("not a number: " + type);
    }

    public boolean asBoolean() {
        if (value instanceof Boolean b) {
            return b;
        }
        return asLong() != 0;
    }

    public String asString() {
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalStateException("not a string: " + type);
    }

    public GgufArray asArray() {
        if (value instanceof GgufArray a) {
            return a;
        }
        throw new IllegalStateException("not an array: " + type);
    }
}
