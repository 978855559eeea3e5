package dev.llmstream.model;

import dev.llmstream.gguf.GgmlType;

/**
 * The storage type of each synthesized tensor, chosen as llama.cpp's {@code llama-quantize}
 * chooses it (src/llama-quant.cpp at commit 3f545bec: {@code llama_tensor_get_type},
 * {@code llama_tensor_get_type_impl}, {@code tensor_type_fallback}), restricted to what can occur
 * for the dense llama / qwen2 / qwen3 models we synthesize (no experts, no fused QKV, no imatrix,
 * no user overrides).
 *
 * <p>1-D tensors (norms, biases, {@code rope_freqs}) are never quantized: F32. For the matrices:
 *
 * <ul>
 *   <li><b>Uniform types</b> (F32, F16, BF16, Q8_0, Q4_0): every matrix in that type, as before
 *       (llmstream's own convention; the shape is validated so that rows are whole blocks).</li>
 *   <li><b>Pure K types</b> (Q4_K, Q5_K): every matrix in that type, like
 *       {@code llama-quantize --pure}, which skips the mix rules but still applies the fallback
 *       below.</li>
 *   <li><b>Mixes</b> (Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K): start from the mix's default type
 *       ({@code llama_ftype_get_default_type}: Q4_K, Q4_K, Q5_K, Q5_K, Q6_K), then
 *       <ul>
 *         <li>{@code output.weight}, and {@code token_embd.weight} when the embeddings are tied
 *             (llama.cpp treats a model without {@code output.weight} as tied and gives its
 *             embedding the output's type): Q8_0 if its rows are not whole blocks of the default
 *             type, else Q6_K;</li>
 *         <li>untied {@code token_embd.weight}: the default type;</li>
 *         <li>{@code attn_v.weight} of layer i: Q4_K_M and Q5_K_M use Q6_K where
 *             {@link #useMoreBits}(i, n_layer); Q4_K_S uses Q5_K for i &lt; 4; then a "70B" model
 *             (llama with 80 layers and grouped-query attention, or qwen2 with 80 layers) bumps a
 *             Q4_K attn_v to Q5_K;</li>
 *         <li>{@code ffn_down.weight} of layer i: Q4_K_M and Q5_K_M use Q6_K where
 *             {@code useMoreBits(i, n_layer)}; Q4_K_S uses Q5_K for i &lt; n_layer / 8;</li>
 *         <li>everything else (attn_q, attn_k, attn_output, ffn_gate, ffn_up): the default.</li>
 *       </ul>
 *       llama.cpp counts attn_v and ffn_down tensors in its tensor order (sorted by layer), so
 *       for these models its counters {@code i_attention_wv}/{@code i_ffn_down} are the layer
 *       index and {@code n_attention_wv}/{@code n_ffn_down} the layer count.</li>
 * </ul>
 *
 * Finally, for pure types and mixes, {@link #fallback}: a K type whose row length (ne[0]) is not
 * a multiple of 256 becomes Q5_0 (from Q4_K), Q5_1 (from Q5_K) or Q8_0 (from Q6_K), and F16 if
 * even that block of 32 does not divide the row. SmolLM2's widths (576, 960) and Qwen2.5-0.5B's
 * 896 are not multiples of 256, so most of their matrices take the fallback, exactly as in the
 * Q4_K_M files llama.cpp makes of those models.
 */
final class QuantMix {

    /** llama.cpp's {@code tensor_category}, for the names our plans contain. */
    enum Category { TOKEN_EMBD, OUTPUT, ATTN_Q, ATTN_K, ATTN_V, ATTN_OUTPUT, FFN_GATE, FFN_UP, FFN_DOWN, OTHER }

    private QuantMix() {}

    /**
     * The type of the 2-D tensor {@code name} with rows of {@code rowLength} weights in a
     * {@code wt} file of shape {@code s}.
     */
    static GgmlType typeOf(WeightType wt, ModelShape s, String name, long rowLength) {
        GgmlType t = wt.ggmlType();
        return switch (wt.kind()) {
            case UNIFORM -> t;
            case PURE -> fallback(t, rowLength, name);
            case MIX -> fallback(mixType(wt, s, category(name), layer(name), rowLength), rowLength, name);
        };
    }

    /** The part of {@code llama_tensor_get_type_impl} that applies to K-quant mixes of our models. */
    static GgmlType mixType(WeightType wt, ModelShape s, Category c, int layer, long rowLength) {
        GgmlType t = wt.ggmlType();
        int n = s.nLayer();
        boolean tiedEmbedding = c == Category.TOKEN_EMBD && s.tied();
        if (c == Category.OUTPUT || tiedEmbedding) {
            return rowLength % t.blockSize() != 0 ? GgmlType.Q8_0 : t != GgmlType.Q8_0 ? GgmlType.Q6_K : t;
        }
        switch (c) {
            case ATTN_V -> {
                if ((wt == WeightType.Q4_K_M || wt == WeightType.Q5_K_M) && useMoreBits(layer, n)) {
                    t = GgmlType.Q6_K;
                } else if (wt == WeightType.Q4_K_S && layer < 4) {
                    t = GgmlType.Q5_K;
                }
                if (is70B(s) && (t == GgmlType.Q3_K || t == GgmlType.Q4_K)) {
                    t = GgmlType.Q5_K;
                }
            }
            case FFN_DOWN -> {
                if ((wt == WeightType.Q4_K_M || wt == WeightType.Q5_K_M) && useMoreBits(layer, n)) {
                    t = GgmlType.Q6_K;
                } else if (wt == WeightType.Q4_K_S && layer < n / 8) {
                    t = GgmlType.Q5_K;
                }
            }
            default -> { }
        }
        return t;
    }

    /**
     * llama.cpp's {@code use_more_bits(i_layer, n_layers)}: the first and last eighth of the
     * layers, and every third layer in between ({@code (i - n/8) % 3 == 2}). For 32 layers:
     * 0-3, 6, 9, 12, 15, 18, 21, 24, 27 and 28-31.
     */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    /**
     * {@code LLM_TYPE_70B} as llama.cpp's loaders assign it for our architectures: llama with 80
     * layers and fewer KV heads than heads (80 layers without GQA is the 65B), qwen2 with 80.
     */
    static boolean is70B(ModelShape s) {
        return s.nLayer() == 80 && (s.architecture().equals("qwen2")
                || s.architecture().equals("llama") && s.nHead() != s.nHeadKv());
    }

    /**
     * {@code tensor_type_fallback}: K types need rows of whole 256-weight super-blocks; otherwise
     * Q4_K becomes Q5_0, Q5_K Q5_1, Q6_K Q8_0, and F16 when the row is not even a multiple of
     * 32. Like llama.cpp, a type without a fallback whose block does not divide the row is an
     * error (only reachable for Q8_0 output heads with a width that is not a multiple of 32,
     * which {@link ModelShape#validate} already refuses).
     */
    static GgmlType fallback(GgmlType t, long rowLength, String name) {
        if (rowLength % t.blockSize() == 0) {
            return t;
        }
        GgmlType f = switch (t) {
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> throw new IllegalArgumentException(name + ": rows of " + rowLength
                    + " weights are not whole " + t + " blocks and llama.cpp defines no fallback for " + t);
        };
        return rowLength % f.blockSize() == 0 ? f : GgmlType.F16;
    }

    /** {@code tensor_get_category}: by name, in llama.cpp's order of tests. */
    static Category category(String name) {
        if (name.equals("output.weight")) return Category.OUTPUT;
        if (name.equals("token_embd.weight")) return Category.TOKEN_EMBD;
        if (name.contains("attn_v.weight")) return Category.ATTN_V;
        if (name.contains("attn_k.weight")) return Category.ATTN_K;
        if (name.contains("attn_q.weight")) return Category.ATTN_Q;
        if (name.contains("attn_output.weight")) return Category.ATTN_OUTPUT;
        if (name.contains("ffn_up")) return Category.FFN_UP;
        if (name.contains("ffn_gate")) return Category.FFN_GATE;
        if (name.contains("ffn_down")) return Category.FFN_DOWN;
        return Category.OTHER;
    }

    /** The N of {@code blk.N.}, or -1 for tensors outside the layers. */
    static int layer(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int end = name.indexOf('.', 4);
        return Integer.parseInt(name.substring(4, end));
    }
}
