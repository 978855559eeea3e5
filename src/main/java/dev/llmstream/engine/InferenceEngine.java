package dev.llmstream.engine;

/**
 * The engine SPI: token ids in, token ids out. Implementations ({@code cpu}, {@code trtllm}) own
 * their scheduling, KV cache and batching; callers only submit, cancel and read stats.
 *
 * <p>Threading contract: {@link #submit}, {@link RequestHandle#cancel()} and {@link #stats()} may be
 * called from any thread (typically Vert.x event loops) and never block — they post a message to the
 * engine's own loop. Listener and observer callbacks run on the engine's thread and must not block
 * either: a slow consumer must never slow the batch.
 */
public interface InferenceEngine extends AutoCloseable {

    /** Static facts about the engine and its model. */
    EngineInfo info();

    /**
     * Queues a request. Outputs arrive on {@code listener}, one call per engine step that produced
     * tokens for this request, the last with a non-null {@link EngineOutput#finishReason()}. Exactly
     * one final output is delivered for every accepted request, including cancelled ones.
     *
     * @throws EngineOverloadedException when the waiting queue is full (maps to HTTP 429)
     * @throws EngineUnavailableException when the engine is not running (loading, draining, dead)
     */
    RequestHandle submit(EngineRequest request, EngineListener listener);

    /** A consistent snapshot of counters and gauges (cheap; safe to call 20x/s). */
    EngineStats stats();

    /** Adds a step observer (telemetry). Observers run on the engine thread after each step. */
    void addObserver(EngineObserver observer);

    /**
     * Stops the engine: no new submits; every in-flight request gets a final {@link FinishReason#ABORT}
     * output; the engine thread and native/off-heap resources are released. Idempotent.
     */
    @Override
    void close();
}
