package dev.llmstream.gguf;

/**
 * Tensor element types of ggml, with the numeric ids GGUF stores and the block layout of each.
 *
 * <p>A quantized type packs {@code blockSize} weights into {@code typeSize} bytes; a tensor row of
 * {@code n} weights takes {@code n / blockSize * typeSize} bytes. Ids and sizes follow ggml's
 * {@code ggml_type} table (ggml/include/ggml.h, ggml/src/ggml.c {@code type_traits}); ids 4, 5 and
 * 31–33 are retired formats and are not accepted.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** The id stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Weights per block (1 for plain float/int types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * Bytes taken by {@code nElements} weights, or -1 when {@code nElements} is not a whole number of
     * blocks.
     */
    public long byteSize(long nElements) {
        if (nElements < 0 || nElements % blockSize != 0) {
            return -1;
        }
        return Math.multiplyExact(nElements / blockSize, (long) typeSize);
    }

    /** The type with this GGUF id, or {@code null} if ggml has none (or only a retired one). */
    public static GgmlType byId(long id) {
        if (id < 0 || id >= BY_ID.length) {
            return null;
        }
        return BY_ID[(int) id];
    }
}
