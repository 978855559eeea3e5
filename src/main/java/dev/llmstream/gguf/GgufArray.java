package dev.llmstream.gguf;

import java.util.Objects;

/**
 * A typed GGUF metadata array. Elements live in one primitive Java array chosen by element type, so
 * a 150k-entry vocabulary costs one allocation, not 150k boxes:
 *
 * <table>
 *   <tr><th>element type</th><th>backing array</th></tr>
 *   <tr><td>UINT8, INT8</td><td>{@code byte[]}</td></tr>
 *   <tr><td>UINT16, INT16</td><td>{@code short[]}</td></tr>
 *   <tr><td>UINT32, INT32</td><td>{@code int[]}</td></tr>
 *   <tr><td>UINT64, INT64</td><td>{@code long[]}</td></tr>
 *   <tr><td>FLOAT32</td><td>{@code float[]}</td></tr>
 *   <tr><td>FLOAT64</td><td>{@code double[]}</td></tr>
 *   <tr><td>BOOL</td><td>{@code boolean[]}</td></tr>
 *   <tr><td>STRING</td><td>{@code String[]}</td></tr>
 *   <tr><td>ARRAY</td><td>{@code GgufArray[]} (nested arrays)</td></tr>
 * </table>
 *
 * Unsigned types keep their raw bits; {@link #getLong(int)} widens them without sign.
 */
public record GgufArray(GgufValueType elementType, Object data) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(data, "data");
        Class<?> expected = backingClass(elementType);
        if (data.getClass() != expected) {
            throw new IllegalArgumentException(
                    "array of " + elementType + " must be backed by " + expected.getSimpleName()
                            + ", got " + data.getClass().getSimpleName());
        }
    }

    public static GgufArray ofStrings(String... values) {
        return new GgufArray(GgufValueType.STRING, values);
    }

    public static GgufArray ofFloats(float... values) {
        return new GgufArray(GgufValueType.FLOAT32, values);
    }

    public static GgufArray ofInts(int... values) {
        return new GgufArray(GgufValueType.INT32, values);
    }

    static Class<?> backingClass(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
    }

    public int length() {
        return java.lang.reflect.Array.getLength(data);
    }

    /** Integer element {@code i}, widened (unsigned types without sign extension). */
    public long getLong(int i) {
        return switch (elementType) {
            case UINT8 -> ((byte[]) data)[i] & 0xFFL;
            case INT8 -> ((byte[]) data)[i];
            case UINT16 -> ((short[]) data)[i] & 0xFFFFL;
            case INT16 -> ((short[]) data)[i];
            case UINT32 -> ((int[]) data)[i] & 0xFFFF_FFFFL;
            case INT32 -> ((int[]) data)[i];
            case UINT64, INT64 -> ((long[]) data)[i];
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
            default -> throw new IllegalStateException("not an integer array: " + elementType);
        };
    }

    public double getDouble(int i) {
        return switch (elementType) {
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            default -> getLong(i);
        };
    }

    public String getString(int i) {
        return ((String[]) data)[i];
    }

    /** The strings of a STRING array (the backing array itself: do not modify). */
    public String[] strings() {
        if (elementType != GgufValueType.STRING) {
            throw new IllegalStateException("not a string array: " + elementType);
        }
        return (String[]) data;
    }

    /** The elements as floats (copied unless already FLOAT32). */
    public float[] toFloatArray() {
        if (elementType == GgufValueType.FLOAT32) {
            return (float[]) data;
        }
        float[] out = new float[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    /** The elements as ints (copied unless already INT32/UINT32); values must fit in an int. */
    public int[] toIntArray() {
        if (elementType == GgufValueType.INT32 || elementType == GgufValueType.UINT32) {
            return (int[]) data;
        }
        int[] out = new int[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(getLong(i));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray other
                && other.elementType == elementType
                && java.util.Objects.deepEquals(new Object[] {data}, new Object[] {other.data});
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.deepHashCode(new Object[] {elementType, data});
    }

    @Override
    public String toString() {
        return "GgufArray[" + elementType + " x " + length() + "]";
    }
}
