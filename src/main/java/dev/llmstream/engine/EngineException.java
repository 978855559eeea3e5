package dev.llmstream.engine;

/**
 * Failures an engine reports to callers. Sealed: the server's ErrorMapper handles each case
 * exhaustively (429, 503, 500).
 */
public sealed class EngineException extends RuntimeException
        permits EngineOverloadedException, EngineUnavailableException, EngineFailureException {

    protected EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
