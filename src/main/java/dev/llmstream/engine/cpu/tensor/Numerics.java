package dev.llmstream.engine.cpu.tensor;

import java.util.Locale;

/**
 * How the CPU engine's matmuls and attention round (configuration {@code engine.numerics}).
 *
 * <ul>
 *   <li>{@link #EXACT}: every weight format in llama.cpp's own arithmetic (its x86 kernels' integer partial sums
 *       and scale order, {@link GgmlDots}): logits bit-identical to llama.cpp's CPU build (Q5_K batches excepted,
 *       docs/architecture.md), so its greedy outputs are reproduced token for token. The default.</li>
 *   <li>{@link #FAST}: Q8_0 weights as one fused multiply-add per weight in column order
 *       ({@link DequantPanelMatrix}): 1.9× the exact kernels at 16 tokens, about 1.5× the batched-decode
 *       throughput end to end (docs/performance.md). The activations are still quantized to 8 bits as llama.cpp
 *       does, but the different float rounding moves the Q8_0 golden model's first-token probabilities by up to
 *       about 1e-2, and greedy text can part from llama.cpp's where a step's top two logits are close. Other
 *       weight formats stay exact. Attention, for any format, is float softmax attention
 *       ({@code FastAttention}) instead of llama.cpp's flash attention with its F16 value accumulator.</li>
 * </ul>
 * Either way every result is batch invariant: a request's output does not depend on what else is in the batch.
 */
public enum Numerics {
    EXACT,
    FAST;

    /** {@code exact} or {@code fast}, any case. */
    public static Numerics parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "exact" -> EXACT;
            case "fast" -> FAST;
            default -> throw new IllegalArgumentException("numerics must be exact or fast, not '" + s + "'");
        };
    }
}
