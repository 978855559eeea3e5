package dev.llmstream.engine.trtllm;

import dev.llmstream.engine.EngineStats;

/**
 * The monotonic counters of {@link EngineStats} that Java derives from per-request outputs (so they
 * mean exactly what the CPU engine's mean), plus the latest native gauges. Single writer: only the
 * thread delivering outputs updates the counters (the poller, then the closing thread after the
 * poller has stopped), so volatile fields suffice for readers on any thread.
 */
final class EngineCounters {
    /** The native side's gauges at the last refresh. */
    record Gauges(int running, int waiting, int kvBlocksTotal, int kvBlocksUsed, long iterations) {
        static final Gauges EMPTY = new Gauges(0, 0, 0, 0, 0);
    }

    private volatile Gauges gauges = Gauges.EMPTY;
    private volatile long prefixQueryTokens;
    private volatile long prefixHitTokens;
    private volatile long promptTokens;
    private volatile long generationTokens;
    private volatile long requestsFinished;
    private volatile long specDrafts;
    private volatile long specDraftedTokens;
    private volatile long specAcceptedTokens;

    void gauges(Gauges g) {
        // iterations is a counter: never let a stale or restarted native view move it backwards
        Gauges old = gauges;
        gauges = g.iterations() < old.iterations()
                ? new Gauges(g.running(), g.waiting(), g.kvBlocksTotal(), g.kvBlocksUsed(), old.iterations()) : g;
    }

    void generated(int tokens) {
        generationTokens += tokens;
    }

    /** A request finished; prompt/cache numbers count only when it was scheduled (its prompt ran). */
    void finished(boolean scheduled, int prompt, int cached, boolean prefixCaching, int decodingIterations,
                  int drafted, int accepted) {
        if (scheduled) {
            promptTokens += prompt - cached;
            if (prefixCaching) {
                prefixQueryTokens += prompt;
                prefixHitTokens += cached;
            }
            if (drafted > 0) {
                specDrafts += decodingIterations;
                specDraftedTokens += drafted;
                specAcceptedTokens += accepted;
            }
        }
        requestsFinished++;
    }

    EngineStats snapshot() {
        Gauges g = gauges;
        return new EngineStats(g.running(), g.waiting(), g.kvBlocksTotal(), Math.max(0, g.kvBlocksUsed()),
                prefixQueryTokens, prefixHitTokens, 0, promptTokens, generationTokens, requestsFinished,
                g.iterations(), specDrafts, specDraftedTokens, specAcceptedTokens, new long[0]);
    }
}
