package dev.llmstream.engine.core.sampling;

import dev.llmstream.engine.TokenLogprobs;

/**
 * Log-probabilities over the full-vocabulary softmax of the raw logits (before any sampling
 * processor), the quantity OpenAI's {@code logprobs} and llama.cpp's {@code n_probs} report.
 */
public final class Logprobs {
    private final int vocab;
    private final int[] scratch;

    public Logprobs(int vocab) {
        this.vocab = vocab;
        this.scratch = new int[Math.max(1, Math.min(vocab, 64))];
    }

    /** log Σ exp(logits), in double. */
    public double logSumExp(float[] logits, int off) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double s = 0;
        for (int i = 0; i < vocab; i++) {
            s += Math.exp((double) logits[off + i] - max);
        }
        return max + Math.log(s);
    }

    /** The chosen token's log-probability and the {@code topN} most likely alternatives. */
    public TokenLogprobs of(float[] logits, int off, int chosen, int topN) {
        double lse = logSumExp(logits, off);
        int n = Math.min(topN, Math.min(vocab, scratch.length));
        int[] top = new int[n];
        float[] topLp = new float[n];
        if (n > 0) {
            float[] row = off == 0 ? logits : java.util.Arrays.copyOfRange(logits, off, off + vocab);
            TopK.topKSorted(row, vocab, n, scratch);
            for (int j = 0; j < n; j++) {
                top[j] = scratch[j];
                topLp[j] = (float) (row[scratch[j]] - lse);
            }
        }
        return new TokenLogprobs(chosen, (float) (logits[off + chosen] - lse), top, topLp);
    }
}
