package dev.llmstream.bench;

/**
 * Why a request failed. A failure is a counted value in the report, never an exception that stops the
 * run. Reports key errors by {@link RequestRecord#errorKey()}: the name below, or {@code http_<status>}.
 */
public enum ErrorKind {
    /** Could not connect (refused, unreachable, connect timeout). */
    CONNECT("connect"),
    /** No complete answer within {@code --timeout}. */
    TIMEOUT("timeout"),
    /** The server answered a status other than 200 (429, 503, 500, ...). */
    HTTP("http"),
    /** 200 but not {@code text/event-stream}: the server ignored {@code "stream": true}. */
    NOT_STREAMING("not_streaming"),
    /** An SSE {@code data:} payload that is not JSON (other than {@code [DONE]}). */
    MALFORMED_SSE("malformed_sse"),
    /** The server reported an error inside the stream ({@code event: error} or an {@code "error"} object). */
    SERVER_ERROR_EVENT("server_error_event"),
    /** The stream ended (connection closed) before {@code [DONE]} or a {@code finish_reason}. */
    INCOMPLETE("incomplete"),
    /** The stream finished properly but carried no output token. */
    NO_OUTPUT("no_output"),
    /** Any other transport failure. */
    IO("io"),
    /** The run was interrupted while the request was in flight. */
    CANCELLED("cancelled");

    private final String key;

    ErrorKind(String key) {
        this.key = key;
    }

    /** Name in reports. */
    public String key() {
        return key;
    }
}
