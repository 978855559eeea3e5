package dev.llmstream.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian encoder for the GGUF header (the inverse of {@link GgufCursor} + {@link GgufReader}):
 * scalars, strings ({@code u64 length + UTF-8}), typed metadata values, arrays (nested ones included)
 * and tensor infos, appended to a growing byte array.
 *
 * <p>Every value is checked against what its declared type can hold so that a value written here
 * reads back equal: a {@code UINT8} holding 300 is an {@link IllegalArgumentException} naming the
 * field, not a silently truncated byte.
 */
final class GgufEncoder {
    private byte[] buf = new byte[4096];
    private int size;

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        if (extra > Integer.MAX_VALUE - 8 - size) {
            throw new IllegalArgumentException("GGUF header larger than 2 GiB");
        }
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + extra, (int) Math.min(Integer.MAX_VALUE - 8, buf.length * 2L)));
        }
    }

    void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    void u16(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
    }

    void u32(int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void u64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u64(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, size, utf8.length);
        size += utf8.length;
    }

    /** Zero bytes up to the next multiple of {@code alignment} of the current size. */
    void padTo(int alignment) {
        while (size % alignment != 0) {
            u8(0);
        }
    }

    /** One metadata entry: key, value type, value. */
    void keyValue(String key, GgufValue value) {
        string(key);
        u32(value.type().id());
        value(value, key);
    }

    private void value(GgufValue v, String field) {
        switch (v.type()) {
            case UINT8 -> u8(checkRange(v, 0, 0xFF, field));
            case INT8 -> u8(checkRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE, field));
            case UINT16 -> u16(checkRange(v, 0, 0xFFFF, field));
            case INT16 -> u16(checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE, field));
            case UINT32 -> u32(checkRange(v, 0, 0xFFFF_FFFFL, field));
            case INT32 -> u32((Integer) v.value());
            case UINT64, INT64 -> u64((Long) v.value());
            case FLOAT32 -> u32(Float.floatToRawIntBits((Float) v.value()));
            case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) v.value()));
            case BOOL -> u8((Boolean) v.value() ? 1 : 0);
            case STRING -> string((String) v.value());
            case ARRAY -> array((GgufArray) v.value(), field, 0);
        }
    }

    private static int checkRange(GgufValue v, long min, long max, String field) {
        long x = v.asLong();
        if (x < min || x > max) {
            throw new IllegalArgumentException("metadata '" + field + "': " + v.type() + " value " + x
                    + " is outside [" + min + ", " + max + "]");
        }
        return (int) x;
    }

    /** {@code u32 element type | u64 count | elements}; nested arrays recurse with the same layout. */
    private void array(GgufArray a, String field, int depth) {
        if (depth >= GgufReader.MAX_ARRAY_DEPTH) {
            throw new IllegalArgumentException("metadata '" + field + "': arrays nested deeper than "
                    + GgufReader.MAX_ARRAY_DEPTH + " cannot be read back");
        }
        int n = a.length();
        u32(a.elementType().id());
        u64(n);
        switch (a.elementType()) {
            case UINT8, INT8 -> {
                byte[] d = (byte[]) a.data();
                ensure(d.length);
                System.arraycopy(d, 0, buf, size, d.length);
                size += d.length;
            }
            case UINT16, INT16 -> {
                for (short s : (short[]) a.data()) {
                    u16(s);
                }
            }
            case UINT32, INT32 -> {
                for (int x : (int[]) a.data()) {
                    u32(x);
                }
            }
            case UINT64, INT64 -> {
                for (long x : (long[]) a.data()) {
                    u64(x);
                }
            }
            case FLOAT32 -> {
                for (float x : (float[]) a.data()) {
                    u32(Float.floatToRawIntBits(x));
                }
            }
            case FLOAT64 -> {
                for (double x : (double[]) a.data()) {
                    u64(Double.doubleToRawLongBits(x));
                }
            }
            case BOOL -> {
                for (boolean x : (boolean[]) a.data()) {
                    u8(x ? 1 : 0);
                }
            }
            case STRING -> {
                for (String s : (String[]) a.data()) {
                    if (s == null) {
                        throw new IllegalArgumentException("metadata '" + field + "': null string in array");
                    }
                    string(s);
                }
            }
            case ARRAY -> {
                for (GgufArray inner : (GgufArray[]) a.data()) {
                    if (inner == null) {
                        throw new IllegalArgumentException("metadata '" + field + "': null nested array");
                    }
                    array(inner, field + "[]", depth + 1);
                }
            }
        }
    }

    /** {@code string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type | u64 offset}. */
    void tensorInfo(GgufTensorInfo t) {
        string(t.name());
        long[] shape = t.shape();
        u32(shape.length);
        for (long d : shape) {
            u64(d);
        }
        u32(t.type().id());
        u64(t.offset());
    }
}
