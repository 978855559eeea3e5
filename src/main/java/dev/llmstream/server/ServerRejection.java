package dev.llmstream.server;

/**
 * A refusal decided by the server itself (not the request's content, not the engine): missing key,
 * admission full, draining, timeout, body too large, unknown route. {@link ErrorMapper} turns each
 * {@link Kind} into its status and OpenAI error type.
 */
public final class ServerRejection extends RuntimeException {

    public enum Kind { UNAUTHORIZED, RATE_LIMITED, UNAVAILABLE, TIMEOUT, BODY_TOO_LARGE, NOT_FOUND, METHOD_NOT_ALLOWED }

    private final Kind kind;

    public ServerRejection(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
