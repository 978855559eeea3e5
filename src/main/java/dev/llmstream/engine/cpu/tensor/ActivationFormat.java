package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;

/**
 * The precision activations have when they meet a weight format. llama.cpp does not multiply
 * quantized weights with float activations: it first converts the activation row to the weight's
 * "vec_dot_type" (ggml-cpu {@code type_traits_cpu}) — Q8_0 blocks for Q4_0/Q5_0/Q8_0, Q8_1 for Q5_1, Q8_K super-blocks
 * for the K-quants, F16 for F16, BF16 for BF16. That 8-bit rounding of activations moves logits by
 * ~1e-2, far more than float reordering. To reproduce llama.cpp's outputs we apply the same rounding
 * ("fake quantization": quantize, then dequantize back to float) before our float kernels; the kernels
 * themselves stay unchanged and batch invariant. See {@link ActivationQuantizer}.
 */
public enum ActivationFormat {
    F32,
    F16,
    BF16,
    /** 32-element blocks, f16 scale {@code amax/127}, int8 values (ggml {@code block_q8_0}). */
    Q8_0,
    /**
     * {@link #Q8_0}'s quantization, also handed over as the dequantized values {@code q·d} in token groups
     * ({@link PreparedInput#grouped}): what Q8_0 weights in {@link Numerics#FAST} multiply.
     */
    Q8_0_GROUPED,
    /** As {@link #Q8_0}, plus per block {@code s = fp16(d·Σq)} (ggml {@code block_q8_1}). */
    Q8_1,
    /** 256-element blocks, f32 scale, int8 values (ggml {@code block_q8_K}). */
    Q8_K;

    /** The activation format llama.cpp pairs with weights of {@code type}. */
    public static ActivationFormat forWeights(GgmlType type) {
        return switch (type) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            case Q4_0, Q5_0, Q8_0, IQ4_NL -> Q8_0;
            case Q4_1, Q5_1 -> Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> Q8_K;
            default -> throw new IllegalArgumentException("no activation format known for " + type);
        };
    }

    /** Elements per quantization block (1 for plain rounding). */
    public int blockSize() {
        return switch (this) {
            case Q8_0, Q8_0_GROUPED, Q8_1 -> 32;
            case Q8_K -> 256;
            default -> 1;
        };
    }
}
