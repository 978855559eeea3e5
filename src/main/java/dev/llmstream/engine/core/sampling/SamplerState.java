package dev.llmstream.engine.core.sampling;

import java.util.SplittableRandom;

/**
 * What sampling remembers about one sequence: its random stream (seeded per request, so a request
 * with a seed reproduces its output whatever else runs in the batch), and token occurrence counts for
 * the penalties — prompt + output for the repetition penalty (as vLLM), output only for the OpenAI
 * presence/frequency penalties.
 */
public final class SamplerState {
    private final SplittableRandom random;
    private final TokenCounts context = new TokenCounts(64);
    private final TokenCounts output = new TokenCounts(64);
    private final boolean trackContext;
    private final boolean trackOutput;

    /**
     * @param seed         request seed; {@code null} draws a fresh one
     * @param trackContext keep prompt + output counts (repetition penalty in use)
     * @param trackOutput  keep output counts (presence/frequency penalty in use)
     */
    public SamplerState(Long seed, boolean trackContext, boolean trackOutput) {
        this.random = seed != null ? new SplittableRandom(seed) : new SplittableRandom();
        this.trackContext = trackContext;
        this.trackOutput = trackOutput;
    }

    /** Records the prompt (only counted for the repetition penalty). */
    public void acceptPrompt(int[] prompt) {
        if (trackContext) {
            for (int t : prompt) {
                context.add(t);
            }
        }
    }

    /** Records a generated token. */
    public void accept(int token) {
        if (trackContext) {
            context.add(token);
        }
        if (trackOutput) {
            output.add(token);
        }
    }

    /** Uniform double in [0, 1) from this sequence's stream. */
    public double nextUniform() {
        return random.nextDouble();
    }

    TokenCounts context() {
        return context;
    }

    TokenCounts output() {
        return output;
    }
}
