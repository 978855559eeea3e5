package dev.llmstream.gguf;

/** Metadata value types of the GGUF format ({@code gguf_type} in ggml/include/gguf.h). */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    /** u64 length + UTF-8 bytes; the 8 is the smallest possible encoding. */
    STRING(8, 8),
    /** u32 element type + u64 count + elements; 12 is the smallest possible encoding. */
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int minEncodedSize;

    GgufValueType(int id, int minEncodedSize) {
        this.id = id;
        this.minEncodedSize = minEncodedSize;
    }

    public int id() {
        return id;
    }

    /** Smallest number of bytes one value of this type can take in a file (exact for scalars). */
    public int minEncodedSize() {
        return minEncodedSize;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The type with this id, or {@code null}. */
    public static GgufValueType byId(long id) {
        if (id < 0 || id >= BY_ID.length) {
            return null;
        }
        return BY_ID[(int) id];
    }
}
