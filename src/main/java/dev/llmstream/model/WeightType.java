package dev.llmstream.model;

import dev.llmstream.gguf.GgmlType;

/**
 * The storage type of a synthesized model's matrices (norms and other 1-D tensors are always F32),
 * with the {@code general.file_type} value llama.cpp uses for it ({@code llama_ftype} in
 * include/llama.h: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q4_0 = 2, MOSTLY_Q8_0 = 7, MOSTLY_BF16 = 32).
 */
public enum WeightType {
    F32(GgmlType.F32, 0),
    F16(GgmlType.F16, 1),
    BF16(GgmlType.BF16, 32),
    Q8_0(GgmlType.Q8_0, 7),
    Q4_0(GgmlType.Q4_0, 2);

    private final GgmlType ggmlType;
    private final int fileType;

    WeightType(GgmlType ggmlType, int fileType) {
        this.ggmlType = ggmlType;
        this.fileType = fileType;
    }

    public GgmlType ggmlType() {
        return ggmlType;
    }

    /** Value of {@code general.file_type}. */
    public int fileType() {
        return fileType;
    }
}
