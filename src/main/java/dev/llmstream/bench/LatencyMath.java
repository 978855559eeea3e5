package dev.llmstream.bench;

/**
 * The per-request latency definitions, as pure functions of client-side timestamps (nanoseconds).
 *
 * <p>Inputs: {@code queue} = send time − latency origin (0 in a closed loop; in an open loop the time the
 * request waited in the client after its scheduled time), {@code chunks} = arrival times of the SSE events
 * that carried output (text, reasoning or tool-call deltas) measured from the actual send, {@code n} =
 * output tokens. The origin is the scheduled send time, so every latency includes {@code queue}.
 *
 * <table>
 *   <caption>Definitions and other tools' names (docs/bench.md has the full crosswalk)</caption>
 *   <tr><th>ours</th><th>definition</th><th>vLLM bench</th><th>GenAI-Perf/AIPerf</th><th>guidellm</th></tr>
 *   <tr><td>ttft</td><td>queue + chunks[0]</td><td>TTFT</td><td>TTFT</td><td>TTFT</td></tr>
 *   <tr><td>itl</td><td>chunks[i] − chunks[i−1], per chunk</td><td>ITL</td><td>inter-chunk latency</td><td>–</td></tr>
 *   <tr><td>tpot</td><td>(chunks[last] − chunks[0]) ÷ (n − 1)</td><td>TPOT</td><td>ITL</td><td>ITL</td></tr>
 *   <tr><td>tpot_incl_first</td><td>(queue + chunks[last]) ÷ n</td><td>–</td><td>–</td><td>TPOT</td></tr>
 *   <tr><td>e2e</td><td>queue + end of stream</td><td>E2EL</td><td>request latency</td><td>request latency</td></tr>
 * </table>
 */
public final class LatencyMath {
    private LatencyMath() {
    }

    /** Time to first token: origin → first output-bearing event; -1 if none arrived. */
    public static long ttft(long queue, long[] chunks) {
        return chunks.length == 0 ? -1 : queue + chunks[0];
    }

    /** Gaps between successive output-bearing events (one per chunk, not per token). */
    public static long[] itl(long[] chunks) {
        if (chunks.length < 2) {
            return new long[0];
        }
        long[] gaps = new long[chunks.length - 1];
        for (int i = 1; i < chunks.length; i++) {
            gaps[i - 1] = chunks[i] - chunks[i - 1];
        }
        return gaps;
    }

    /**
     * Time per output token after the first: {@code (last − first) ÷ (n − 1)}. vLLM writes it
     * {@code (E2EL − TTFT) ÷ (n − 1)}; ending at the last output chunk keeps a trailing usage/[DONE] event
     * out of the decode rate. NaN when {@code n < 2} or nothing arrived (left out of TPOT statistics, as
     * vLLM does).
     */
    public static double tpot(long[] chunks, int n) {
        if (n < 2 || chunks.length == 0) {
            return Double.NaN;
        }
        return (double) (chunks[chunks.length - 1] - chunks[0]) / (n - 1);
    }

    /** guidellm's TPOT / LLMPerf's inter_token_latency: origin → last output chunk, divided by n. */
    public static double tpotInclFirst(long queue, long[] chunks, int n) {
        if (n < 1 || chunks.length == 0) {
            return Double.NaN;
        }
        return (double) (queue + chunks[chunks.length - 1]) / n;
    }

    /** End-to-end latency: origin → last SSE event of the stream ({@code [DONE]} or close); -1 if unknown. */
    public static long e2e(long queue, long end) {
        return end < 0 ? -1 : queue + end;
    }

    /** Decode speed seen by this user, tokens/s after the first token (AIPerf's "per user" = 1 ÷ its ITL). */
    public static double tokensPerSecondPerUser(long[] chunks, int n) {
        double tpot = tpot(chunks, n);
        return Double.isNaN(tpot) || tpot <= 0 ? Double.NaN : 1e9 / tpot;
    }
}
