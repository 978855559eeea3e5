package dev.llmstream.api;

/**
 * A request the server will not run because of what the client sent: a malformed body, a field of
 * the wrong type or out of range, a prompt that does not fit the context. Becomes HTTP 400 (OpenAI
 * {@code invalid_request_error}) with {@link #param()} naming the offending field, as OpenAI's API
 * does, so a client can tell which of its inputs to fix.
 */
public final class InvalidRequestException extends RuntimeException {
    /** OpenAI's code for a prompt plus output budget larger than the model's context. */
    public static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

    private final String param;
    private final String code;

    public InvalidRequestException(String param, String message) {
        this(param, null, message);
    }

    public InvalidRequestException(String param, String code, String message) {
        super(message, null, false, false); // expected outcome: no stack trace needed
        this.param = param;
        this.code = code;
    }

    /** The field at fault in the request body (JSON path like {@code messages[1].content}), or null. */
    public String param() {
        return param;
    }

    /** A machine-readable code ({@link #CONTEXT_LENGTH_EXCEEDED}, ...), or null. */
    public String code() {
        return code;
    }
}
