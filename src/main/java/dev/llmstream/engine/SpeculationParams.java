package dev.llmstream.engine;

import java.util.Objects;

/**
 * Per-request speculative decoding choice.
 *
 * @param mode       {@link Mode#DEFAULT} uses the engine's configured default
 * @param draftTokens proposal length k (0 = the engine's default / adaptive choice)
 */
public record SpeculationParams(Mode mode, int draftTokens) {
    public static final SpeculationParams DEFAULT = new SpeculationParams(Mode.DEFAULT, 0);
    public static final SpeculationParams OFF = new SpeculationParams(Mode.OFF, 0);

    public SpeculationParams {
        Objects.requireNonNull(mode, "mode");
        if (draftTokens < 0) {
            throw new IllegalArgumentException("draftTokens must be >= 0: " + draftTokens);
        }
    }

    public enum Mode {
        /** Whatever the engine is configured to do. */
        DEFAULT,
        /** No speculation for this request. */
        OFF,
        /** Prompt-lookup n-gram proposals. */
        NGRAM,
        /** Proposals from a draft model. */
        DRAFT
    }
}
