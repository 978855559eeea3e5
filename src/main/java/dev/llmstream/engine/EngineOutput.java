package dev.llmstream.engine;

/**
 * What one engine step produced for one request: zero or more new tokens and, on the last output,
 * the finish reason. Several tokens arrive at once under speculative decoding or after a pause.
 *
 * @param requestId    {@link EngineRequest#id()}
 * @param tokens       new token ids, in order (never null; may be empty on a final abort)
 * @param logprobs     one entry per new token when requested, else {@code null}
 * @param finishReason {@code null} while running
 * @param stopTokenId  the stop/EOS token that ended the request ({@code -1} otherwise)
 * @param error        message when {@code finishReason == ERROR}
 * @param timeNanos    {@link System#nanoTime()} when these tokens became available
 * @param metrics      cumulative per-request metrics at this point
 */
public record EngineOutput(String requestId, int[] tokens, TokenLogprobs[] logprobs, FinishReason finishReason,
                           int stopTokenId, String error, long timeNanos, RequestMetrics metrics) {

    public boolean finished() {
        return finishReason != null;
    }
}
