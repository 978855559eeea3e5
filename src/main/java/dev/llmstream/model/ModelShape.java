package dev.llmstream.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The hyperparameters a synthesized model is built with: llama.cpp's names and meanings
 * ({@code n_embd}, {@code n_head_kv}, {@code n_ff}, ...). {@code headDim} is 0 when it is derived
 * as {@code nEmbd / nHead} (most models); Qwen3 sets it explicitly (128 with n_embd 1024, 16 heads).
 *
 * <p>Architectures: {@code llama} (SmolLM2, Llama 3.x), {@code qwen2} (adds Q/K/V biases) and
 * {@code qwen3} (adds per-head RMS norms on Q and K, {@code attn_q_norm}/{@code attn_k_norm}).
 */
public record ModelShape(
        String name,
        String architecture,
        int nEmbd,
        int nLayer,
        int nHead,
        int nHeadKv,
        int headDim,
        int nFf,
        int nVocab,
        int contextLength,
        float ropeTheta,
        float rmsEps,
        boolean tied,
        Optional<Llama3Rope> llama3Rope) {

    public static final List<String> ARCHITECTURES = List.of("llama", "qwen2", "qwen3");
    /** Upper bound on any one dimension: keeps row arithmetic in ints and files sane. */
    static final int MAX_DIM = 1 << 20;

    /**
     * Llama 3.x RoPE scaling (HF {@code rope_scaling} with {@code rope_type = "llama3"}); llama.cpp
     * applies it through the {@code rope_freqs.weight} tensor, see {@link WeightInit#llama3RopeFactors}.
     */
    public record Llama3Rope(float factor, float lowFreqFactor, float highFreqFactor, int originalContextLength) {}

    public ModelShape {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(llama3Rope, "llama3Rope");
    }

    /** The per-head width: {@code headDim}, or {@code nEmbd / nHead} when that is 0. */
    public int effectiveHeadDim() {
        return headDim != 0 ? headDim : nHead == 0 ? 0 : nEmbd / nHead;
    }

    public boolean qkvBias() {
        return architecture.equals("qwen2");
    }

    public boolean qkNorm() {
        return architecture.equals("qwen3");
    }

    /**
     * Checks that llama.cpp can load this shape stored as {@code type}; throws
     * {@link IllegalArgumentException} naming the offending option.
     */
    public void validate(WeightType type) {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("--arch " + architecture + " is not supported (supported: "
                    + String.join(", ", ARCHITECTURES) + ")");
        }
        requireRange("--n-embd", nEmbd);
        requireRange("--n-layer", nLayer);
        requireRange("--n-head", nHead);
        requireRange("--n-head-kv", nHeadKv);
        requireRange("--n-ff", nFf);
        requireRange("--vocab-size", nVocab);
        requireRange("--ctx", contextLength);
        if (nLayer > 512) {
            throw new IllegalArgumentException("--n-layer " + nLayer + " exceeds llama.cpp's limit of 512 layers");
        }
        if (nHead % nHeadKv != 0) {
            throw new IllegalArgumentException("--n-head " + nHead + " must be a multiple of --n-head-kv " + nHeadKv);
        }
        if (headDim == 0 && nEmbd % nHead != 0) {
            throw new IllegalArgumentException("--n-embd " + nEmbd + " must be a multiple of --n-head " + nHead
                    + " (or give --head-dim)");
        }
        int hd = effectiveHeadDim();
        if (hd <= 0 || hd % 2 != 0) {
            throw new IllegalArgumentException("head dimension " + hd + " must be positive and even (RoPE rotates pairs)");
        }
        if ((long) hd * nHead > MAX_DIM) {
            throw new IllegalArgumentException("n_head * head_dim = " + (long) hd * nHead + " is too large");
        }
        if (!(ropeTheta > 0) || !(rmsEps > 0)) {
            throw new IllegalArgumentException("--rope-theta and the RMS epsilon must be positive");
        }
        if (llama3Rope.isPresent() && !architecture.equals("llama")) {
            throw new IllegalArgumentException("llama3 RoPE scaling (rope_freqs.weight) is only loaded for --arch llama");
        }
        int block = type.widthMultiple();
        requireBlock("--n-embd", nEmbd, block, type);
        requireBlock("--n-ff", nFf, block, type);
        requireBlock("n_head * head_dim", hd * nHead, block, type);
    }

    private static void requireRange(String option, int v) {
        if (v <= 0 || v > MAX_DIM) {
            throw new IllegalArgumentException(option + " must be in 1.." + MAX_DIM + ", is " + v);
        }
    }

    private static void requireBlock(String what, int v, int block, WeightType type) {
        if (v % block != 0) {
            throw new IllegalArgumentException(what + " = " + v + " is not a multiple of the " + type
                    + (type.kind() == WeightType.Kind.UNIFORM ? " block size " + block + " (matrix rows must be whole blocks)"
                            : " minimum width " + block + " (rows that are not whole super-blocks of 256 fall back"
                                    + " to 32-weight blocks)"));
        }
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Copy-and-change, for the CLI's explicit overrides. */
    public static final class Builder {
        private String name;
        private String architecture;
        private int nEmbd;
        private int nLayer;
        private int nHead;
        private int nHeadKv;
        private int headDim;
        private int nFf;
        private int nVocab;
        private int contextLength;
        private float ropeTheta;
        private float rmsEps;
        private boolean tied;
        private Optional<Llama3Rope> llama3Rope;

        private Builder(ModelShape s) {
            name = s.name;
            architecture = s.architecture;
            nEmbd = s.nEmbd;
            nLayer = s.nLayer;
            nHead = s.nHead;
            nHeadKv = s.nHeadKv;
            headDim = s.headDim;
            nFf = s.nFf;
            nVocab = s.nVocab;
            contextLength = s.contextLength;
            ropeTheta = s.ropeTheta;
            rmsEps = s.rmsEps;
            tied = s.tied;
            llama3Rope = s.llama3Rope;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder architecture(String v) { architecture = v; return this; }
        public Builder nEmbd(int v) { nEmbd = v; return this; }
        public Builder nLayer(int v) { nLayer = v; return this; }
        public Builder nHead(int v) { nHead = v; return this; }
        public Builder nHeadKv(int v) { nHeadKv = v; return this; }
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder nFf(int v) { nFf = v; return this; }
        public Builder nVocab(int v) { nVocab = v; return this; }
        public Builder contextLength(int v) { contextLength = v; return this; }
        public Builder ropeTheta(float v) { ropeTheta = v; return this; }
        public Builder rmsEps(float v) { rmsEps = v; return this; }
        public Builder tied(boolean v) { tied = v; return this; }
        public Builder llama3Rope(Optional<Llama3Rope> v) { llama3Rope = v; return this; }

        public ModelShape build() {
            return new ModelShape(name, architecture, nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nVocab,
                    contextLength, ropeTheta, rmsEps, tied, llama3Rope);
        }
    }
}
