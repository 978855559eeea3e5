package dev.llmstream.engine;

/**
 * One engine step as seen by telemetry: what ran together, how long it took.
 *
 * @param step           step number (monotonic)
 * @param startNanos     {@link System#nanoTime()} at step start (after draining the inbox)
 * @param endNanos       at step end (outputs emitted)
 * @param prefillTokens  prompt tokens computed in this step (chunked prefill)
 * @param decodeTokens   decode positions computed (1 per plain decoding request, 1 + k when verifying drafts)
 * @param requestIds     requests served by this step, for span links (the array is owned by the event)
 * @param running        running requests after the step
 * @param waiting        waiting requests after the step
 * @param kvUsage        KV pool usage after the step, 0..1
 */
public record StepEvent(long step, long startNanos, long endNanos, int prefillTokens, int decodeTokens,
                        String[] requestIds, int running, int waiting, double kvUsage) {

    public enum Kind { PREFILL, DECODE, MIXED, IDLE }

    public long durationNanos() {
        return endNanos - startNanos;
    }

    public int batchTokens() {
        return prefillTokens + decodeTokens;
    }

    public int batchSize() {
        return requestIds.length;
    }

    public Kind kind() {
        if (prefillTokens > 0 && decodeTokens > 0) {
            return Kind.MIXED;
        }
        if (prefillTokens > 0) {
            return Kind.PREFILL;
        }
        return decodeTokens > 0 ? Kind.DECODE : Kind.IDLE;
    }
}
