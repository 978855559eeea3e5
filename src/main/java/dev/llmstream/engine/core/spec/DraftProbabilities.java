package dev.llmstream.engine.core.spec;

/**
 * The proposal distribution q of a draft, per draft position, as rejection sampling needs it.
 * Deterministic proposers (n-gram lookup, greedy drafts) are a point mass on the drafted token.
 */
public interface DraftProbabilities {
    /** q(token) at draft position {@code i}. */
    double probability(int i, int token);

    /** Point mass on each drafted token. */
    static DraftProbabilities pointMass(int[] drafts) {
        return (i, token) -> token == drafts[i] ? 1.0 : 0.0;
    }
}
