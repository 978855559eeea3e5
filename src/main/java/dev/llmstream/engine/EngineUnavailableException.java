package dev.llmstream.engine;

/** The engine cannot take requests: still loading, draining, stopped, or its native library is missing. */
public final class EngineUnavailableException extends EngineException {
    public EngineUnavailableException(String message) {
        super(message, null);
    }

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
