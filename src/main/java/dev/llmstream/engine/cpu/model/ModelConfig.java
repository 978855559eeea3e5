package dev.llmstream.engine.cpu.model;

import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.ModelHparams;

/**
 * What the forward pass needs, derived from the file's {@link ModelHparams} (which reads GGUF with
 * llama.cpp's keys and defaults) plus the architecture strategy and the checks this engine needs
 * (supported architecture, V head dim = K head dim, RoPE scaling it implements).
 *
 * @param headDim  per-head dimension of Q/K/V
 * @param ropeDim  rotated dimensions per head (&lt;= headDim)
 */
public record ModelConfig(Architecture arch, String name, int nEmbd, int nLayer, int nHead, int nHeadKv,
                          int headDim, int nFf, int vocabSize, int contextLength, float rmsEps, float ropeTheta,
                          int ropeDim, RopeScaling ropeScaling, boolean tiedEmbeddings) {

    public int qDim() {
        return nHead * headDim;
    }

    public int kvDim() {
        return nHeadKv * headDim;
    }

    /** Query heads per KV head (grouped-query attention). */
    public int groupSize() {
        return nHead / nHeadKv;
    }

    public static ModelConfig from(GgufFile file) {
        ModelHparams h = ModelHparams.from(file);
        Architecture arch = Architecture.fromGguf(h.architecture());
        if (arch == null) {
            throw new GgufFormatException(-1, "general.architecture",
                    "unsupported architecture '" + h.architecture() + "' (supported: llama, qwen2, qwen3)");
        }
        if (h.valueHeadDim() != h.headDim()) {
            throw new GgufFormatException(-1, arch.ggufName() + ".attention.value_length",
                    "value head dim " + h.valueHeadDim() + " differs from key head dim " + h.headDim());
        }
        if (h.headDim() % 2 != 0 || h.ropeDimensionCount() % 2 != 0 || h.ropeDimensionCount() > h.headDim()) {
            throw new GgufFormatException(-1, arch.ggufName() + ".rope.dimension_count",
                    "rotated dims " + h.ropeDimensionCount() + " must be even and <= head dim " + h.headDim());
        }
        String name = file.metadata().getString("general.name").orElse(file.path().getFileName().toString());
        return new ModelConfig(arch, name, h.nEmbd(), h.nLayer(), h.nHead(), h.nHeadKv(), h.headDim(), h.nFf(),
                h.nVocab(), h.contextLength(), h.rmsEps(), h.ropeFreqBase(), h.ropeDimensionCount(),
                ropeScaling(arch, h.ropeScaling()), h.tiedEmbeddings());
    }

    private static RopeScaling ropeScaling(Architecture arch, ModelHparams.RopeScaling s) {
        return switch (s.type()) {
            case NONE -> RopeScaling.NONE;
            case LINEAR -> s.factor() > 0 && s.factor() != 1f
                    ? new RopeScaling(RopeScaling.Type.LINEAR, s.factor(), s.originalContextLength(), 1f, 4f)
                    : RopeScaling.NONE;
            // llama3 scaling arrives as the rope_freqs.weight divisor tensor, which ModelWeights loads;
            // explicit factors (non-llama.cpp producers) are honoured when there is no tensor.
            case LLAMA3 -> s.freqFactorsTensor() ? RopeScaling.NONE
                    : new RopeScaling(RopeScaling.Type.LLAMA3, s.factor(), s.originalContextLength(),
                            (float) s.lowFreqFactor().orElse(1), (float) s.highFreqFactor().orElse(4));
            default -> throw new GgufFormatException(-1, arch.ggufName() + ".rope.scaling.type",
                    "unsupported RoPE scaling " + s.type() + " (supported: none, linear, llama3)");
        };
    }
}
