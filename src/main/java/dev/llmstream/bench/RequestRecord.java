package dev.llmstream.bench;

/**
 * Everything measured about one request, from the client side only. Times are nanoseconds; the derived
 * latencies follow {@link LatencyMath}.
 *
 * @param index position in the run (0-based, warm-up excluded)
 * @param requestId the {@code x-request-id} header sent
 * @param promptId workload prompt id
 * @param group prefix group of the prompt, or null
 * @param scheduledNanos when the request should have been sent, from the start of the run (the latency
 *     origin; equal to {@code sentNanos} in a closed loop)
 * @param sentNanos when it was handed to the HTTP client, from the start of the run
 * @param chunkNanos arrival of each output-bearing SSE event, from {@code sentNanos}
 * @param endNanos arrival of the last SSE event or the end of the body, from {@code sentNanos}; -1 if
 *     nothing arrived
 * @param httpStatus response status, 0 if none
 * @param error null when the request succeeded
 * @param errorDetail human detail of the error (status body, exception message), or null
 * @param inputTokens prompt tokens ({@code usage.prompt_tokens}, else the workload's count; -1 unknown)
 * @param inputTokensSource {@code usage} or {@code workload}
 * @param outputTokens output tokens ({@code usage.completion_tokens}, else counted, else one per chunk)
 * @param outputTokensSource {@code usage}, {@code tokenizer} or {@code chunks}
 * @param cachedTokens {@code usage.prompt_tokens_details.cached_tokens}, -1 when not reported
 * @param maxTokens {@code max_tokens} asked for
 * @param finishReason last {@code finish_reason} seen, or null
 * @param events SSE events received (all kinds)
 * @param text output text when {@code --save-text}, else null
 */
public record RequestRecord(
        int index, String requestId, String promptId, String group,
        long scheduledNanos, long sentNanos, long[] chunkNanos, long endNanos,
        int httpStatus, ErrorKind error, String errorDetail,
        int inputTokens, String inputTokensSource, int outputTokens, String outputTokensSource, int cachedTokens,
        int maxTokens, String finishReason, int events, String text) {

    public boolean ok() {
        return error == null;
    }

    /** {@code connect}, {@code http_503}, ...; null when ok. */
    public String errorKey() {
        if (error == null) {
            return null;
        }
        return error == ErrorKind.HTTP ? "http_" + httpStatus : error.key();
    }

    /** Time spent waiting in the client after the scheduled send time. */
    public long queueNanos() {
        return sentNanos - scheduledNanos;
    }

    public long ttftNanos() {
        return LatencyMath.ttft(queueNanos(), chunkNanos);
    }

    public double tpotNanos() {
        return LatencyMath.tpot(chunkNanos, outputTokens);
    }

    public double tpotInclFirstNanos() {
        return LatencyMath.tpotInclFirst(queueNanos(), chunkNanos, outputTokens);
    }

    public long[] itlNanos() {
        return LatencyMath.itl(chunkNanos);
    }

    public long e2eNanos() {
        return LatencyMath.e2e(queueNanos(), endNanos);
    }

    /** When the request ended, from the start of the run (for durations and concurrency); -1 if unknown. */
    public long finishedAtNanos() {
        return endNanos < 0 ? -1 : sentNanos + endNanos;
    }

    /** Arrival of output chunk {@code i} from the start of the run. */
    public long chunkAtNanos(int i) {
        return sentNanos + chunkNanos[i];
    }
}
