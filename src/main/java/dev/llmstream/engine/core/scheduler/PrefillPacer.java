package dev.llmstream.engine.core.scheduler;

/**
 * Sizes prefill chunks so steps that also carry decodes stay near a target duration. A static token
 * budget is a poor fit for a CPU: 512 prompt tokens take seconds on a 2-core machine, and every
 * stream decoding in that step waits for them (the inter-token-latency spike chunked prefill is meant
 * to prevent). The pacer learns two costs from the steps that actually ran — the duration of a
 * decode-only step and the marginal time of one prefill token (exponential moving averages) — and
 * allows {@code (target − decodeStep) / perToken} prompt tokens per step while anything decodes. With
 * nothing decoding, prompts get the full budget (only TTFT matters then).
 */
public final class PrefillPacer {
    private static final double ALPHA = 0.2;
    private static final int MIN_CHUNK = 16;
    private static final int FIRST_GUESS = 64;

    private final long targetNanos;
    private final int maxTokens;
    private double decodeStepNanos = -1;
    private double prefillTokenNanos = -1;

    /** @param targetNanos step duration to aim for while decoding; 0 disables pacing */
    public PrefillPacer(long targetNanos, int maxTokens) {
        this.targetNanos = targetNanos;
        this.maxTokens = maxTokens;
    }

    /** Learns from a finished step. */
    public void record(long stepNanos, int prefillTokens, int decodeTokens) {
        if (prefillTokens == 0 && decodeTokens > 0) {
            decodeStepNanos = ema(decodeStepNanos, stepNanos);
        } else if (prefillTokens > 0) {
            double base = decodeTokens > 0 && decodeStepNanos >= 0 ? decodeStepNanos : 0;
            prefillTokenNanos = ema(prefillTokenNanos, Math.max(0, stepNanos - base) / prefillTokens);
        }
    }

    /** Prompt tokens the next step may take. */
    public int budget(boolean anyDecoding) {
        if (targetNanos <= 0 || !anyDecoding) {
            return maxTokens;
        }
        if (prefillTokenNanos <= 0) {
            return Math.min(maxTokens, FIRST_GUESS);
        }
        double room = targetNanos - Math.max(0, decodeStepNanos);
        long tokens = (long) (room / prefillTokenNanos);
        return (int) Math.max(Math.min(MIN_CHUNK, maxTokens), Math.min(maxTokens, tokens));
    }

    private static double ema(double old, double sample) {
        return old < 0 ? sample : old + ALPHA * (sample - old);
    }
}
