package dev.llmstream.engine.core.spec;

import dev.llmstream.engine.SpeculationParams;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Engine-wide speculative decoding settings (server defaults; requests may override the mode and k).
 *
 * @param defaultMode  what {@link SpeculationParams.Mode#DEFAULT} means: OFF, NGRAM or DRAFT
 * @param maxDraftTokens upper bound on k
 * @param ngramMin     shortest suffix n-gram to look up
 * @param ngramMax     longest suffix n-gram to look up
 * @param maxBatch     no speculation while more sequences than this are decoding
 * @param draftModel   GGUF of a draft model sharing the target's vocabulary (DRAFT mode), or null
 */
public record SpecConfig(SpeculationParams.Mode defaultMode, int maxDraftTokens, int ngramMin, int ngramMax,
                         int maxBatch, Path draftModel) {
    public SpecConfig {
        Objects.requireNonNull(defaultMode, "defaultMode");
        if (defaultMode == SpeculationParams.Mode.DEFAULT) {
            throw new IllegalArgumentException("the engine default must be OFF, NGRAM or DRAFT");
        }
        if (maxDraftTokens < 0 || maxDraftTokens > 16) {
            throw new IllegalArgumentException("max draft tokens must be 0..16: " + maxDraftTokens);
        }
        if (defaultMode == SpeculationParams.Mode.DRAFT && draftModel == null) {
            throw new IllegalArgumentException("draft mode needs a draft model");
        }
    }

    public static final SpecConfig OFF = new SpecConfig(SpeculationParams.Mode.OFF, 5, 1, 4, 4, null);

    public static SpecConfig ngram(int k) {
        return new SpecConfig(SpeculationParams.Mode.NGRAM, k, 1, 4, 4, null);
    }

    /** The mode a request actually gets. */
    public SpeculationParams.Mode resolve(SpeculationParams requested) {
        SpeculationParams.Mode m = requested.mode() == SpeculationParams.Mode.DEFAULT ? defaultMode : requested.mode();
        if (m == SpeculationParams.Mode.DRAFT && draftModel == null) {
            return SpeculationParams.Mode.NGRAM;
        }
        return m;
    }
}
