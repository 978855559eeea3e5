package dev.llmstream.engine.core.spec;

/**
 * How many tokens to draft for a sequence this step.
 *
 * <p>Drafting pays when the batch is memory-bound (a few sequences: verifying 1 + k positions reads the
 * weights once, like one decode step) and the drafts are accepted. So:
 * <ul>
 *   <li><b>Batch back-off</b>: no speculation when more than {@code maxBatch} sequences are decoding —
 *       the step is already compute-heavy and extra positions cost real time.</li>
 *   <li><b>Acceptance-adaptive k</b>: an exponential moving average of each sequence's acceptance rate
 *       picks k: the full {@code maxK} above 60%, half of it above 30%, one token above 10%; below that
 *       the sequence stops drafting and only probes with one token every {@code probeInterval} steps,
 *       so a workload whose drafts keep failing pays almost nothing.</li>
 * </ul>
 */
public final class SpecPolicy {
    private final int maxK;
    private final int maxBatch;
    private final int probeInterval;

    public SpecPolicy(int maxK, int maxBatch, int probeInterval) {
        this.maxK = maxK;
        this.maxBatch = maxBatch;
        this.probeInterval = Math.max(1, probeInterval);
    }

    public int maxK() {
        return maxK;
    }

    /** Per-sequence speculation state: acceptance EMA and a step counter for probing. */
    public static final class State {
        private double acceptance = 0.7; // optimistic start: try drafting first
        private int idleSteps;

        public double acceptance() {
            return acceptance;
        }

        /** Records one verification: {@code accepted} of {@code drafted} tokens survived. */
        public void record(int drafted, int accepted) {
            if (drafted > 0) {
                acceptance = 0.7 * acceptance + 0.3 * ((double) accepted / drafted);
            }
        }
    }

    /**
     * Draft length for one sequence: {@code requested} (0 = policy decides) capped by {@code maxK},
     * 0 when {@code decodingSequences > maxBatch}.
     */
    public int draftLength(State s, int requested, int decodingSequences) {
        if (decodingSequences > maxBatch) {
            return 0;
        }
        int cap = requested > 0 ? Math.min(requested, maxK) : maxK;
        double a = s.acceptance;
        if (a > 0.6) {
            return cap;
        }
        if (a > 0.3) {
            return Math.max(1, cap / 2);
        }
        if (a > 0.1) {
            return 1;
        }
        if (++s.idleSteps >= probeInterval) {
            s.idleSteps = 0;
            return 1;
        }
        return 0;
    }
}
