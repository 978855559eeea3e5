package dev.llmstream.gguf;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The hyperparameters of a decoder-only transformer stored in GGUF, read the way llama.cpp reads
 * them ({@code llama_model::load_hparams} in src/llama-model.cpp and the per-architecture loaders):
 * keys are prefixed with the architecture ({@code llama.embedding_length},
 * {@code qwen2.attention.head_count_kv}, ...), optional keys get llama.cpp's defaults, and what the
 * metadata does not say is taken from the tensor infos (tied embeddings, QKV bias, QK-norm,
 * parameter count).
 *
 * <table>
 *   <tr><th>field</th><th>source</th><th>default</th></tr>
 *   <tr><td>nEmbd, nLayer, nHead, nFf, contextLength</td><td>{arch}.embedding_length, block_count,
 *       attention.head_count, feed_forward_length, context_length</td><td>required</td></tr>
 *   <tr><td>nHeadKv</td><td>{arch}.attention.head_count_kv</td><td>nHead</td></tr>
 *   <tr><td>headDim / valueHeadDim</td><td>{arch}.attention.key_length / value_length</td>
 *       <td>nEmbd / nHead</td></tr>
 *   <tr><td>nVocab</td><td>length of tokenizer.ggml.tokens, else {arch}.vocab_size, else
 *       token_embd.weight ne[1]</td><td>required</td></tr>
 *   <tr><td>ropeFreqBase</td><td>{arch}.rope.freq_base</td><td>10000</td></tr>
 *   <tr><td>ropeDimensionCount</td><td>{arch}.rope.dimension_count</td><td>headDim</td></tr>
 *   <tr><td>rmsEps</td><td>{arch}.attention.layer_norm_rms_epsilon (else layer_norm_epsilon)</td>
 *       <td>required</td></tr>
 * </table>
 *
 * Per-layer arrays (some converters store head counts or n_ff per layer) are accepted when all
 * layers agree. Inconsistent or missing values are {@link GgufFormatException}s naming the key.
 */
public record ModelHparams(
        String architecture,
        int nEmbd,
        int nLayer,
        int nHead,
        int nHeadKv,
        int headDim,
        int valueHeadDim,
        int nFf,
        int nVocab,
        int contextLength,
        float ropeFreqBase,
        int ropeDimensionCount,
        RopeScaling ropeScaling,
        float rmsEps,
        boolean tiedEmbeddings,
        boolean qkvBias,
        boolean qkNorm,
        long parameterCount) {

    public ModelHparams {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(ropeScaling, "ropeScaling");
    }

    /** How positions are stretched beyond the training context. */
    public enum RopeScalingType { NONE, LINEAR, YARN, LONGROPE, LLAMA3 }

    /**
     * RoPE scaling. llama.cpp knows the key values none/linear/yarn/longrope
     * ({@code {arch}.rope.scaling.type}, {@code .factor}, {@code .original_context_length}); Llama
     * 3.x "llama3" scaling is not a key there but a precomputed per-frequency divisor tensor
     * {@code rope_freqs.weight} (shape [ropeDim/2], written by convert_hf_to_gguf.py), so a file with
     * that tensor and no explicit scaling type reads as {@link RopeScalingType#LLAMA3} with
     * {@code freqFactorsTensor = true}. The llama3 low/high frequency factors are read from
     * {@code {arch}.rope.scaling.low_freq_factor} / {@code high_freq_factor} when a producer added
     * them (llama.cpp's converter does not).
     */
    public record RopeScaling(RopeScalingType type, float factor, int originalContextLength,
                              OptionalDouble lowFreqFactor, OptionalDouble highFreqFactor,
                              boolean freqFactorsTensor) {
        public RopeScaling {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(lowFreqFactor, "lowFreqFactor");
            Objects.requireNonNull(highFreqFactor, "highFreqFactor");
        }
    }

    /** Width of the query projection output: nHead * headDim. */
    public int qDim() {
        return nHead * headDim;
    }

    /** Width of the key projection output: nHeadKv * headDim. */
    public int kvDim() {
        return nHeadKv * headDim;
    }

    /** Query heads sharing one KV head. */
    public int gqaGroups() {
        return nHead / nHeadKv;
    }

    public static ModelHparams from(GgufFile file) {
        return from(file.metadata(), file.tensors());
    }

    public static ModelHparams from(GgufMetadata md, List<GgufTensorInfo> tensors) {
        String arch = md.architecture().orElseThrow(
                () -> new GgufFormatException(-1, "general.architecture", "required metadata key is missing"));
        String p = arch + ".";
        int nEmbd = positive(p + "embedding_length", md.requireInt(p + "embedding_length"));
        int nLayer = positive(p + "block_count", md.requireInt(p + "block_count"));
        int nHead = positive(p + "attention.head_count", perLayer(md, p + "attention.head_count", nLayer, null));
        int nHeadKv = positive(p + "attention.head_count_kv",
                perLayer(md, p + "attention.head_count_kv", nLayer, nHead));
        if (nHead % nHeadKv != 0) {
            throw new GgufFormatException(-1, p + "attention.head_count_kv",
                    "head_count " + nHead + " is not a multiple of head_count_kv " + nHeadKv);
        }
        int nFf = positive(p + "feed_forward_length", perLayer(md, p + "feed_forward_length", nLayer, null));
        int ctx = positive(p + "context_length", md.requireInt(p + "context_length"));

        Integer defaultHeadDim = nEmbd % nHead == 0 ? nEmbd / nHead : null;
        int headDim = positive(p + "attention.key_length", optionalInt(md, p + "attention.key_length", defaultHeadDim,
                "embedding_length " + nEmbd + " is not a multiple of head_count " + nHead));
        int valueHeadDim = positive(p + "attention.value_length",
                optionalInt(md, p + "attention.value_length", defaultHeadDim,
                        "embedding_length " + nEmbd + " is not a multiple of head_count " + nHead));
        int ropeDim = positive(p + "rope.dimension_count", md.getInt(p + "rope.dimension_count", headDim));
        float ropeBase = md.getFloat(p + "rope.freq_base", 10000f);
        float rmsEps = rmsEps(md, p);

        boolean hasEmbd = has(tensors, "token_embd.weight");
        boolean hasOutput = has(tensors, "output.weight");
        int nVocab = vocabSize(md, p, tensors);
        long params = 0;
        for (GgufTensorInfo t : tensors) {
            params += t.nElements();
        }
        return new ModelHparams(arch, nEmbd, nLayer, nHead, nHeadKv, headDim, valueHeadDim, nFf, nVocab, ctx,
                ropeBase, ropeDim, ropeScaling(md, p, ctx, tensors), rmsEps,
                hasEmbd && !hasOutput,
                has(tensors, "blk.0.attn_q.bias") || has(tensors, "blk.0.attn_qkv.bias"),
                has(tensors, "blk.0.attn_q_norm.weight"),
                params);
    }

    private static boolean has(List<GgufTensorInfo> tensors, String name) {
        for (GgufTensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static int positive(String key, int v) {
        if (v <= 0) {
            throw new GgufFormatException(-1, key, "must be positive, is " + v);
        }
        return v;
    }

    private static int optionalInt(GgufMetadata md, String key, Integer fallback, String whyNoFallback) {
        if (md.contains(key)) {
            return md.requireInt(key);
        }
        if (fallback == null) {
            throw new GgufFormatException(-1, key, "key is missing and cannot be derived: " + whyNoFallback);
        }
        return fallback;
    }

    /** A scalar, or a per-layer array whose entries all agree; {@code fallback} when absent (null = required). */
    private static int perLayer(GgufMetadata md, String key, int nLayer, Integer fallback) {
        GgufValue v = md.get(key).orElse(null);
        if (v == null) {
            if (fallback == null) {
                throw new GgufFormatException(-1, key, "required metadata key is missing");
            }
            return fallback;
        }
        if (v.type() != GgufValueType.ARRAY) {
            return md.requireInt(key);
        }
        GgufArray a = v.asArray();
        if (!a.elementType().isInteger() || a.length() != nLayer) {
            throw new GgufFormatException(-1, key, "per-layer array must hold " + nLayer + " integers, holds "
                    + a.length() + " " + a.elementType());
        }
        long first = a.getLong(0);
        for (int i = 1; i < a.length(); i++) {
            if (a.getLong(i) != first) {
                throw new GgufFormatException(-1, key, "layers differ (" + first + " vs " + a.getLong(i)
                        + " at layer " + i + "); per-layer shapes are not supported");
            }
        }
        if (first > Integer.MAX_VALUE || first < Integer.MIN_VALUE) {
            throw new GgufFormatException(-1, key, "value " + first + " does not fit in an int");
        }
        return (int) first;
    }

    private static float rmsEps(GgufMetadata md, String p) {
        String key = p + "attention.layer_norm_rms_epsilon";
        OptionalDouble v = md.getDouble(key);
        if (v.isEmpty()) {
            v = md.getDouble(p + "attention.layer_norm_epsilon");
        }
        if (v.isEmpty()) {
            throw new GgufFormatException(-1, key, "required metadata key is missing");
        }
        if (!(v.getAsDouble() > 0)) {
            throw new GgufFormatException(-1, key, "must be positive, is " + v.getAsDouble());
        }
        return (float) v.getAsDouble();
    }

    private static int vocabSize(GgufMetadata md, String p, List<GgufTensorInfo> tensors) {
        if (md.contains("tokenizer.ggml.tokens")) {
            return md.requireArray("tokenizer.ggml.tokens").length();
        }
        if (md.contains(p + "vocab_size")) {
            return positive(p + "vocab_size", md.requireInt(p + "vocab_size"));
        }
        for (GgufTensorInfo t : tensors) {
            if (t.name().equals("token_embd.weight") && t.nDims() == 2 && t.dim(1) <= Integer.MAX_VALUE) {
                return (int) t.dim(1);
            }
        }
        throw new GgufFormatException(-1, "tokenizer.ggml.tokens",
                "vocabulary size unknown: no token list, no " + p + "vocab_size and no token_embd.weight");
    }

    private static RopeScaling ropeScaling(GgufMetadata md, String p, int ctx, List<GgufTensorInfo> tensors) {
        String typeKey = p + "rope.scaling.type";
        float factor = md.getFloat(p + "rope.scaling.factor", md.getFloat(p + "rope.scale_linear", 0f));
        if (factor == 0f) {
            factor = 1f; // llama.cpp: a missing or zero factor means no scaling
        }
        if (!(factor > 0f)) {
            throw new GgufFormatException(-1, p + "rope.scaling.factor", "must be positive, is " + factor);
        }
        boolean freqTensor = has(tensors, "rope_freqs.weight");
        RopeScalingType type;
        if (md.contains(typeKey)) {
            String name = md.requireString(typeKey).toLowerCase(Locale.ROOT);
            type = switch (name) {
                case "none" -> RopeScalingType.NONE;
                case "linear" -> factor == 1f ? RopeScalingType.NONE : RopeScalingType.LINEAR;
                case "yarn" -> RopeScalingType.YARN;
                case "longrope", "su" -> RopeScalingType.LONGROPE;
                case "llama3" -> RopeScalingType.LLAMA3;
                default -> throw new GgufFormatException(-1, typeKey, "unknown RoPE scaling type '" + name
                        + "' (known: none, linear, yarn, longrope, llama3)");
            };
        } else {
            type = factor != 1f ? RopeScalingType.LINEAR : RopeScalingType.NONE;
        }
        if (type == RopeScalingType.NONE && freqTensor) {
            type = RopeScalingType.LLAMA3;
        }
        int orig = md.getInt(p + "rope.scaling.original_context_length", ctx);
        return new RopeScaling(type, factor, orig,
                md.getDouble(p + "rope.scaling.low_freq_factor"),
                md.getDouble(p + "rope.scaling.high_freq_factor"),
                freqTensor);
    }
}
