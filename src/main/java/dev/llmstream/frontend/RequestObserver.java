package dev.llmstream.frontend;

/**
 * Hook points of a generation request's lifecycle, for telemetry (spans, histograms) without
 * touching the handlers. The server calls them on the request's event loop, in this order:
 * {@link #onArrival} once the body is parsed, then either {@link #onRejected} (a 4xx/5xx before
 * any output) or {@link #onAdmitted}, {@link #onFirstToken} (at most once) and exactly one of
 * {@link #onFinish} or {@link #onError}. Implementations must be cheap and must not block or
 * throw (an exception is logged and ignored).
 */
public interface RequestObserver {
    RequestObserver NONE = new RequestObserver() {};

    default void onArrival(RequestInfo info) {}

    /** Passed admission and the prompt was handed to the engine ({@code promptTokens} long). */
    default void onAdmitted(RequestInfo info, int promptTokens) {}

    /** Answered with an error before streaming ({@code status} is the HTTP status). */
    default void onRejected(RequestInfo info, int status, String errorType) {}

    /** The first output text was sent (TTFT as the client sees it, {@code nanos} = nanoTime). */
    default void onFirstToken(RequestInfo info, long nanos) {}

    /**
     * {@code tokens} new output tokens of one choice became available (engine time), {@code gapNanos}
     * after that choice's previous output ({@code 0} for tokens that came with its first one). Called
     * per engine output while a drain runs, so the gaps of a choice add up to its decode time: the
     * per-token inter-token latency is {@code gapNanos / tokens}, {@code tokens} times. Must be very cheap.
     */
    default void onTokens(RequestInfo info, int tokens, long gapNanos) {}

    /** The client fell behind: its write queue is full and its stream pauses until it drains. */
    default void onBackpressure(RequestInfo info) {}

    /** Finished normally (every choice stopped or hit its length). */
    default void onFinish(RequestInfo info, StreamSummary summary) {}

    /**
     * Ended abnormally after admission: engine failure, timeout, shutdown, or the client went away
     * ({@code errorType} e.g. {@code client_closed}, {@code timeout}, {@code server_error}).
     */
    default void onError(RequestInfo info, String errorType, String message) {}
}
