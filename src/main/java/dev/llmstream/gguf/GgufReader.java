package dev.llmstream.gguf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the GGUF header (versions 2 and 3): magic, version, counts, metadata, tensor infos and
 * the aligned start of the data section. Layout per ggml's docs/gguf.md:
 *
 * <pre>
 *   u32 magic "GGUF" | u32 version | u64 n_tensors | u64 n_kv
 *   n_kv x  { string key | u32 type | value }
 *   n_tensors x { string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type | u64 offset }
 *   padding to general.alignment (default 32) | tensor data
 * </pre>
 *
 * Hostile input is expected: every count is checked against what could still fit in the file and
 * against hard limits before anything is allocated, nested arrays are depth-limited, and tensor
 * data must lie inside the file. Failures are {@link GgufFormatException}s naming offset and field.
 */
public final class GgufReader {
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    public static final int DEFAULT_ALIGNMENT = 32;
    static final long MAX_STRING_BYTES = 64L << 20;
    static final long MAX_KEY_BYTES = 1 << 16;
    static final long MAX_TENSOR_NAME_BYTES = 1 << 12;
    static final long MAX_ARRAY_ELEMENTS = 1L << 26;
    static final long MAX_KV = 1L << 20;
    static final long MAX_TENSORS = 1L << 20;
    static final int MAX_ARRAY_DEPTH = 8;
    static final int MAX_DIMS = 4;

    private GgufReader() {}

    /** Result of parsing a header. {@code dataOffset} is absolute and aligned. */
    public record Header(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors,
                         int alignment, long dataOffset) {}

    public static Header parse(MemorySegment file) {
        GgufCursor c = new GgufCursor(file);
        int magic = c.i32("magic");
        if (magic != MAGIC) {
            throw new GgufFormatException(0, "magic",
                    String.format("bad magic 0x%08X, expected 0x%08X (\"GGUF\")", magic, MAGIC));
        }
        long version = c.u32("version");
        if (version == 0x0200_0000L || version == 0x0300_0000L) {
            throw new GgufFormatException(4, "version", "big-endian GGUF files are not supported");
        }
        if (version != 2 && version != 3) {
            throw new GgufFormatException(4, "version",
                    "unsupported GGUF version " + version + " (supported: 2, 3)");
        }
        long nTensors = c.count("tensor_count", 8 + 4 + 8 + 4 + 8, MAX_TENSORS);
        long nKv = c.count("metadata_kv_count", 8 + 4 + 1, MAX_KV);

        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (int i = 0; i < nKv; i++) {
            String field = "metadata[" + i + "]";
            long keyAt = c.position();
            String key = c.string(field + ".key", MAX_KEY_BYTES);
            long typeAt = c.position();
            GgufValueType type = valueType(c.u32(field + ".type"), typeAt, field + ".type");
            GgufValue value = readValue(c, type, field + "(" + key + ")", 0);
            if (kv.putIfAbsent(key, value) != null) {
                throw new GgufFormatException(keyAt, field + ".key", "duplicate key '" + key + "'");
            }
        }
        GgufMetadata metadata = new GgufMetadata(kv);
        int alignment = alignment(metadata);

        List<GgufTensorInfo> tensors = new ArrayList<>((int) nTensors);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < nTensors; i++) {
            tensors.add(readTensorInfo(c, i, alignment, names));
        }
        long dataOffset = alignUp(c.position(), alignment);
        if (dataOffset > c.size() && nTensors > 0) {
            throw new GgufFormatException(c.position(), "data", "data section starts at " + dataOffset
                    + " past the end of the file (" + c.size() + " bytes)");
        }
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            long end = t.offset() > c.size() ? -1 : dataOffset + t.offset() + t.byteSize();
            if (end > c.size() || end < 0) {
                throw new GgufFormatException(dataOffset + t.offset(), "tensor[" + i + "](" + t.name() + ").data",
                        "tensor data [" + (dataOffset + t.offset()) + ", " + end
                                + ") lies past the end of the file (" + c.size() + " bytes)");
            }
        }
        return new Header((int) version, metadata, List.copyOf(tensors), alignment, dataOffset);
    }

    private static int alignment(GgufMetadata metadata) {
        GgufValue v = metadata.get("general.alignment").orElse(null);
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!v.isInteger()) {
            throw new GgufFormatException(-1, "general.alignment", "must be an integer, is " + v.type());
        }
        long a = v.asLong();
        if (a <= 0 || a > (1 << 20) || Long.bitCount(a) != 1) {
            throw new GgufFormatException(-1, "general.alignment",
                    "must be a power of two up to 1 MiB, is " + a);
        }
        return (int) a;
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private static GgufValueType valueType(long id, long at, String field) {
        GgufValueType t = GgufValueType.byId(id);
        if (t == null) {
            throw new GgufFormatException(at, field, "unknown metadata value type " + id);
        }
        return t;
    }

    private static GgufValue readValue(GgufCursor c, GgufValueType type, String field, int depth) {
        return switch (type) {
            case UINT8 -> new GgufValue(type, c.i8(field) & 0xFF);
            case INT8 -> new GgufValue(type, (int) c.i8(field));
            case UINT16 -> new GgufValue(type, c.i16(field) & 0xFFFF);
            case INT16 -> new GgufValue(type, (int) c.i16(field));
            case UINT32 -> new GgufValue(type, c.u32(field));
            case INT32 -> new GgufValue(type, c.i32(field));
            case FLOAT32 -> new GgufValue(type, Float.intBitsToFloat(c.i32(field)));
            case BOOL -> new GgufValue(type, readBool(c, field));
            case STRING -> new GgufValue(type, c.string(field, MAX_STRING_BYTES));
            case ARRAY -> new GgufValue(type, readArray(c, field, depth + 1));
            case UINT64, INT64 -> new GgufValue(type, c.i64(field));
            case FLOAT64 -> new GgufValue(type, Double.longBitsToDouble(c.i64(field)));
        };
    }

    private static boolean readBool(GgufCursor c, String field) {
        long at = c.position();
        byte b = c.i8(field);
        if (b != 0 && b != 1) {
            throw new GgufFormatException(at, field, "bool must be 0 or 1, is " + (b & 0xFF));
        }
        return b == 1;
    }

    private static GgufArray readArray(GgufCursor c, String field, int depth) {
        if (depth > MAX_ARRAY_DEPTH) {
            throw new GgufFormatException(c.position(), field, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
        }
        long typeAt = c.position();
        GgufValueType et = valueType(c.u32(field + ".element_type"), typeAt, field + ".element_type");
        int n = (int) c.count(field + ".length", et.minEncodedSize(), MAX_ARRAY_ELEMENTS);
        String ef = field + "[]";
        return switch (et) {
            case UINT8, INT8 -> {
                byte[] a = c.bytes(n, ef);
                yield new GgufArray(et, a);
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = c.i16(ef);
                }
                yield new GgufArray(et, a);
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = c.i32(ef);
                }
                yield new GgufArray(et, a);
            }
            case UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = c.i64(ef);
                }
                yield new GgufArray(et, a);
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = Float.intBitsToFloat(c.i32(ef));
                }
                yield new GgufArray(et, a);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = Double.longBitsToDouble(c.i64(ef));
                }
                yield new GgufArray(et, a);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readBool(c, ef);
                }
                yield new GgufArray(et, a);
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = c.string(ef, MAX_STRING_BYTES);
                }
                yield new GgufArray(et, a);
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readArray(c, ef, depth + 1);
                }
                yield new GgufArray(et, a);
            }
        };
    }

    private static GgufTensorInfo readTensorInfo(GgufCursor c, int i, int alignment, Set<String> names) {
        String field = "tensor[" + i + "]";
        long nameAt = c.position();
        String name = c.string(field + ".name", MAX_TENSOR_NAME_BYTES);
        if (!names.add(name)) {
            throw new GgufFormatException(nameAt, field + ".name", "duplicate tensor name '" + name + "'");
        }
        field = field + "(" + name + ")";
        long dimsAt = c.position();
        long nDims = c.u32(field + ".n_dims");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw new GgufFormatException(dimsAt, field + ".n_dims", "n_dims must be 1.." + MAX_DIMS + ", is " + nDims);
        }
        long[] shape = new long[(int) nDims];
        long nElements = 1;
        for (int d = 0; d < nDims; d++) {
            long at = c.position();
            shape[d] = c.i64(field + ".ne[" + d + "]");
            if (shape[d] < 0) {
                throw new GgufFormatException(at, field + ".ne[" + d + "]", "negative dimension " + shape[d]);
            }
            if (shape[d] != 0 && nElements > (Long.MAX_VALUE / 8) / shape[d]) {
                throw new GgufFormatException(at, field + ".ne[" + d + "]", "element count overflows");
            }
            nElements *= shape[d];
        }
        long typeAt = c.position();
        long typeId = c.u32(field + ".type");
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw new GgufFormatException(typeAt, field + ".type", "unknown or retired ggml type " + typeId);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new GgufFormatException(dimsAt, field + ".ne[0]", "row length " + shape[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        long offAt = c.position();
        long offset = c.i64(field + ".offset");
        if (offset < 0 || offset % alignment != 0) {
            throw new GgufFormatException(offAt, field + ".offset",
                    "offset " + offset + " is negative or not a multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, shape, type, offset);
    }
}
