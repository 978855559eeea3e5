package dev.llmstream.engine;

/** An engine bug or fatal internal error (HTTP 500 / SSE error event). */
public final class EngineFailureException extends EngineException {
    public EngineFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
