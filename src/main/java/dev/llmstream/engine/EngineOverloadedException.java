package dev.llmstream.engine;

/** The waiting queue is full; the caller should retry later (HTTP 429 with Retry-After). */
public final class EngineOverloadedException extends EngineException {
    private final int waiting;

    public EngineOverloadedException(int waiting) {
        super("engine queue is full (" + waiting + " requests waiting)", null);
        this.waiting = waiting;
    }

    public int waiting() {
        return waiting;
    }
}
