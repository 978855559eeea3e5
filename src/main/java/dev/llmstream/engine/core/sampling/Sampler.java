package dev.llmstream.engine.core.sampling;

import dev.llmstream.engine.SamplingParams;

/**
 * Turns one position's logits into a token: a fixed pipeline of logits processors, then greedy or a
 * seeded draw. Order (vLLM's and llama.cpp's): suppressed tokens (min_tokens), logit bias, repetition
 * penalty (CTRL, Keskar et al. 2019: divide positive logits, multiply negative ones), presence and
 * frequency penalties (OpenAI), temperature, top-k, top-p (nucleus, Holtzman et al. 2020), min-p
 * (Nguyen et al. 2024), renormalize, draw.
 *
 * <p>One instance per engine loop: it owns scratch arrays sized to the vocabulary and is not
 * thread-safe. After {@link #distribution} the candidate ids and their final probabilities stay
 * readable ({@link #candidateCount()}, {@link #candidate(int)}, {@link #probability(int)}) — speculative
 * decoding's rejection sampling needs the whole distribution, not just a draw.
 */
public final class Sampler {
    private final int vocab;
    private final float[] work;
    private final int[] ids;
    private final double[] probs;
    private int count;

    public Sampler(int vocab) {
        this.vocab = vocab;
        this.work = new float[vocab];
        this.ids = new int[vocab];
        this.probs = new double[vocab];
    }

    /** Samples a token from {@code logits[off .. off + vocab)}; {@code suppress} may be null. */
    public int sample(float[] logits, int off, SamplingParams p, SamplerState s, int[] suppress) {
        if (p.isGreedy()) {
            return argmax(process(logits, off, p, s, suppress));
        }
        distribution(logits, off, p, s, suppress);
        return draw(s.nextUniform());
    }

    /**
     * Computes the final sampling distribution: afterwards candidates {@code 0..candidateCount()-1} have
     * ids {@link #candidate(int)} and probabilities {@link #probability(int)} (summing to 1, sorted by
     * descending probability). Greedy requests get a one-point distribution at the argmax.
     */
    public void distribution(float[] logits, int off, SamplingParams p, SamplerState s, int[] suppress) {
        float[] w = process(logits, off, p, s, suppress);
        if (p.isGreedy()) {
            ids[0] = argmax(w);
            probs[0] = 1.0;
            count = 1;
            return;
        }
        float invT = 1f / p.temperature();
        for (int i = 0; i < vocab; i++) {
            w[i] *= invT;
        }
        int k = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        count = TopK.select(w, vocab, k, p.topP(), ids, probs);
        if (p.minP() > 0f && count > 1) {
            double floor = p.minP() * probs[0];
            int keep = 1;
            while (keep < count && probs[keep] >= floor) {
                keep++;
            }
            count = keep;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += probs[i];
        }
        for (int i = 0; i < count; i++) {
            probs[i] /= sum;
        }
    }

    /** Draws from the last {@link #distribution} with uniform {@code u} in [0, 1). */
    public int draw(double u) {
        double acc = 0;
        for (int i = 0; i < count; i++) {
            acc += probs[i];
            if (u < acc) {
                return ids[i];
            }
        }
        return ids[count - 1];
    }

    public int candidateCount() {
        return count;
    }

    public int candidate(int i) {
        return ids[i];
    }

    public double probability(int i) {
        return probs[i];
    }

    /** Probability of {@code token} in the last distribution (0 if it is not a candidate). */
    public double probabilityOf(int token) {
        for (int i = 0; i < count; i++) {
            if (ids[i] == token) {
                return probs[i];
            }
        }
        return 0;
    }

    private float[] process(float[] logits, int off, SamplingParams p, SamplerState s, int[] suppress) {
        float[] w = work;
        System.arraycopy(logits, off, w, 0, vocab);
        for (int i = 0; i < p.logitBiasCount(); i++) {
            int id = p.logitBiasId(i);
            if (id >= 0 && id < vocab) {
                w[id] += p.logitBiasValue(i);
            }
        }
        if (p.repetitionPenalty() != 1f) {
            TokenCounts ctx = s.context();
            for (int i = 0; i < ctx.distinct(); i++) {
                int t = ctx.tokenAt(i);
                if (t >= 0 && t < vocab) {
                    w[t] = w[t] > 0 ? w[t] / p.repetitionPenalty() : w[t] * p.repetitionPenalty();
                }
            }
        }
        if (p.presencePenalty() != 0f || p.frequencyPenalty() != 0f) {
            TokenCounts out = s.output();
            for (int i = 0; i < out.distinct(); i++) {
                int t = out.tokenAt(i);
                if (t >= 0 && t < vocab) {
                    w[t] -= p.presencePenalty() + p.frequencyPenalty() * out.get(t);
                }
            }
        }
        if (suppress != null) {
            for (int t : suppress) {
                if (t >= 0 && t < vocab) {
                    w[t] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return w;
    }

    /** Index of the largest value (the first one on ties, as llama.cpp's greedy sampler). */
    public static int argmax(float[] a, int off, int n) {
        int best = 0;
        float bestValue = a[off];
        for (int i = 1; i < n; i++) {
            if (a[off + i] > bestValue) {
                bestValue = a[off + i];
                best = i;
            }
        }
        return best;
    }

    private int argmax(float[] w) {
        return argmax(w, 0, vocab);
    }
}
