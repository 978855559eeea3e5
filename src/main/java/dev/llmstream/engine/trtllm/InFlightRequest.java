package dev.llmstream.engine.trtllm;

import dev.llmstream.engine.EngineListener;
import dev.llmstream.engine.EngineRequest;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One accepted request between submit and its final output. The identity fields and the two flags
 * are shared between the submitting thread, cancelling threads and the poller; the metric fields are
 * written only by the thread that delivers outputs (the poller, or the closing thread once the
 * poller has stopped), so they need no locking.
 */
final class InFlightRequest {
    final EngineRequest request;
    final EngineListener listener;
    final long clientId;
    private volatile long requestId;
    private volatile long enqueuedNanos;
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();

    // written by the delivering thread only
    long scheduledNanos;
    long firstTokenNanos;
    long lastTokenNanos;
    int outputTokens;
    int cachedPromptTokens;
    int draftedTokens;
    int acceptedTokens;
    int decodingIterations;
    boolean scheduled;

    InFlightRequest(EngineRequest request, EngineListener listener, long clientId) {
        this.request = request;
        this.listener = listener;
        this.clientId = clientId;
    }

    /** The Executor's id once enqueued, else 0. */
    long requestId() {
        return requestId;
    }

    void enqueued(long id, long nanos) {
        this.enqueuedNanos = nanos;
        this.requestId = id;
    }

    /** When enqueue returned (the fallback for "scheduled" when the engine reports no perf block). */
    long enqueuedNanos() {
        return enqueuedNanos;
    }

    /** True the first time only: cancellation is idempotent. */
    boolean markCancelRequested() {
        return cancelRequested.compareAndSet(false, true);
    }

    boolean cancelRequested() {
        return cancelRequested.get();
    }

    /** True for exactly one caller: whoever wins delivers the one final output. */
    boolean claimFinal() {
        return finished.compareAndSet(false, true);
    }

    boolean isFinished() {
        return finished.get();
    }
}
