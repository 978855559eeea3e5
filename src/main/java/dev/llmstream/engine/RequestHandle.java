package dev.llmstream.engine;

/** The caller's handle on a submitted request. */
public interface RequestHandle {
    String requestId();

    /**
     * Asks the engine to stop the request. Non-blocking and idempotent; the engine frees the request's
     * KV blocks at its next step boundary and delivers a final {@link FinishReason#ABORT} output
     * (unless the request already finished).
     */
    void cancel();
}
