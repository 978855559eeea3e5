package dev.llmstream.model;

import dev.llmstream.gguf.GgmlType;

/**
 * What {@code model synth --quant} stores the matrices as (norms and other 1-D tensors are always
 * F32), with the {@code general.file_type} value llama.cpp writes for it ({@code llama_ftype} in
 * include/llama.h: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q4_0 = 2, MOSTLY_Q8_0 = 7, MOSTLY_Q4_K_S =
 * 14, MOSTLY_Q4_K_M = 15, MOSTLY_Q5_K_S = 16, MOSTLY_Q5_K_M = 17, MOSTLY_Q6_K = 18, MOSTLY_BF16 =
 * 32). How each tensor's type follows from it is {@link QuantMix}.
 *
 * <p>The pure K types have no ftype of their own in llama.cpp; they record the smallest mix of
 * their type (what {@code llama-quantize --pure ... Q4_K_S} writes).
 */
public enum WeightType {
    F32(GgmlType.F32, 0, Kind.UNIFORM),
    F16(GgmlType.F16, 1, Kind.UNIFORM),
    BF16(GgmlType.BF16, 32, Kind.UNIFORM),
    Q8_0(GgmlType.Q8_0, 7, Kind.UNIFORM),
    Q4_0(GgmlType.Q4_0, 2, Kind.UNIFORM),
    /** Every matrix Q4_K ({@code --pure}), Q5_0 where rows are not whole super-blocks. */
    Q4_K(GgmlType.Q4_K, 14, Kind.PURE),
    /** Every matrix Q5_K ({@code --pure}), Q5_1 where rows are not whole super-blocks. */
    Q5_K(GgmlType.Q5_K, 16, Kind.PURE),
    /** llama.cpp's Q6_K: every matrix Q6_K, Q8_0 where rows are not whole super-blocks. */
    Q6_K(GgmlType.Q6_K, 18, Kind.MIX),
    Q4_K_S(GgmlType.Q4_K, 14, Kind.MIX),
    Q4_K_M(GgmlType.Q4_K, 15, Kind.MIX),
    Q5_K_S(GgmlType.Q5_K, 16, Kind.MIX),
    Q5_K_M(GgmlType.Q5_K, 17, Kind.MIX);

    /** How the per-tensor type is chosen, see {@link QuantMix}. */
    public enum Kind {
        /** Every matrix in {@link #ggmlType()}; rows must be whole blocks. */
        UNIFORM,
        /** Every matrix in {@link #ggmlType()} unless its rows need llama.cpp's fallback. */
        PURE,
        /** llama.cpp's per-tensor rules for this file type, then the fallback. */
        MIX
    }

    private final GgmlType ggmlType;
    private final int fileType;
    private final Kind kind;

    WeightType(GgmlType ggmlType, int fileType, Kind kind) {
        this.ggmlType = ggmlType;
        this.fileType = fileType;
        this.kind = kind;
    }

    /** The type of most matrices: the only one for uniform types, llama.cpp's default type otherwise. */
    public GgmlType ggmlType() {
        return ggmlType;
    }

    /** Value of {@code general.file_type}. */
    public int fileType() {
        return fileType;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The multiple that matrix widths must be: the block size for uniform types, 32 for the K
     * types (their fallbacks are 32-weight blocks, and llama.cpp stores an output head whose rows
     * are not whole super-blocks as Q8_0).
     */
    public int widthMultiple() {
        return kind == Kind.UNIFORM ? ggmlType.blockSize() : 32;
    }
}
