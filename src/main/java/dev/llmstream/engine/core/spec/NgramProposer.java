package dev.llmstream.engine.core.spec;

/**
 * Prompt-lookup decoding (Saxena 2023, "Prompt Lookup Decoding"; vLLM's {@code ngram} proposer):
 * find the most recent earlier occurrence of the sequence's last {@code n} tokens (trying
 * {@code maxN} down to {@code minN}) in prompt + output, and propose the {@code k} tokens that
 * followed it. Free to compute, and very effective when the output copies the prompt (edits,
 * refactors, quoting summaries). Stateless and allocation-free.
 *
 * <p>When the match is close behind — the text is repeating with period {@code d = length − start − n}
 * shorter than {@code k} (a repeated line, a run of one token) — fewer than {@code k} known tokens follow
 * it; the proposal continues the period instead ({@code out[i] = out[i − d]} past the end), which is what
 * the same lookup would predict again after each accepted token. Without this a run of one token would be
 * drafted one token per step.
 */
public final class NgramProposer {
    private final int minN;
    private final int maxN;

    public NgramProposer(int minN, int maxN) {
        if (minN < 1 || maxN < minN) {
            throw new IllegalArgumentException("need 1 <= minN <= maxN, got " + minN + ".." + maxN);
        }
        this.minN = minN;
        this.maxN = maxN;
    }

    /**
     * Proposes up to {@code k} tokens continuing {@code tokens[0 .. length)} into {@code out}; returns
     * how many (0 when no n-gram of the allowed sizes recurs).
     */
    public int propose(int[] tokens, int length, int k, int[] out) {
        if (k <= 0) {
            return 0;
        }
        for (int n = Math.min(maxN, length - 1); n >= minN; n--) {
            int suffix = length - n;
            // scan backwards for the most recent earlier match of tokens[suffix .. length)
            for (int start = suffix - 1; start >= 0; start--) {
                if (matches(tokens, start, suffix, n)) {
                    int from = start + n;
                    int known = Math.min(k, length - from);
                    System.arraycopy(tokens, from, out, 0, known);
                    int period = length - from;
                    for (int i = known; i < k; i++) {
                        out[i] = out[i - period];
                    }
                    return k;
                }
            }
        }
        return 0;
    }

    private static boolean matches(int[] t, int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            if (t[a + i] != t[b + i]) {
                return false;
            }
        }
        return true;
    }
}
