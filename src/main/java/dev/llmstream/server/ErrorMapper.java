package dev.llmstream.server;

import dev.llmstream.api.ApiCodec;
import dev.llmstream.api.ErrorBody;
import dev.llmstream.api.InvalidRequestException;
import dev.llmstream.api.ModelNotFoundException;
import dev.llmstream.engine.EngineFailureException;
import dev.llmstream.engine.EngineOverloadedException;
import dev.llmstream.engine.EngineUnavailableException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers, in OpenAI's error format
 * ({@code {"error": {"message", "type", "param", "code"}}}). The table (docs/api.md):
 *
 * <pre>
 * cause                               status  type                    code
 * bad JSON / field                    400     invalid_request_error   (param = field)
 * prompt + max_tokens > context       400     invalid_request_error   context_length_exceeded
 * unknown model                       404     invalid_request_error   model_not_found
 * unknown route                       404     invalid_request_error   not_found
 * wrong method                        405     invalid_request_error   method_not_allowed
 * body over the limit                 413     invalid_request_error   request_too_large
 * missing/wrong API key               401     authentication_error    invalid_api_key
 * admission or engine queue full      429     rate_limit_exceeded     rate_limit_exceeded (+ Retry-After)
 * loading / draining / engine down    503     server_error            engine_unavailable
 * request timeout                     504     server_error            timeout
 * engine failure / bug                500     server_error            internal_error
 * </pre>
 *
 * After an SSE stream started the status is gone; the same body goes out as a {@code data:} event
 * and the stream closes (OpenAI's SDKs raise it as an API error).
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    /** An error ready to send. */
    public record HttpError(int status, ErrorBody body, int retryAfterSeconds) {
        public String type() {
            return body.error().type();
        }
    }

    private final int retryAfterSeconds;

    public ErrorMapper(int retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public HttpError map(Throwable t) {
        Throwable e = unwrap(t);
        return switch (e) {
            case InvalidRequestException x -> error(400, x.getMessage(), "invalid_request_error", x.param(), x.code());
            case ModelNotFoundException x -> error(404, x.getMessage(), "invalid_request_error", "model", "model_not_found");
            case EngineOverloadedException x -> rateLimited("The server is busy (" + x.getMessage() + "); retry later");
            case EngineUnavailableException x -> error(503, "The model is not available: " + x.getMessage(),
                    "server_error", null, "engine_unavailable");
            case ServerRejection x -> switch (x.kind()) {
                case UNAUTHORIZED -> error(401, x.getMessage(), "authentication_error", null, "invalid_api_key");
                case RATE_LIMITED -> rateLimited(x.getMessage());
                case UNAVAILABLE -> error(503, x.getMessage(), "server_error", null, "engine_unavailable");
                case TIMEOUT -> error(504, x.getMessage(), "server_error", null, "timeout");
                case BODY_TOO_LARGE -> error(413, x.getMessage(), "invalid_request_error", null, "request_too_large");
                case NOT_FOUND -> error(404, x.getMessage(), "invalid_request_error", null, "not_found");
                case METHOD_NOT_ALLOWED -> error(405, x.getMessage(), "invalid_request_error", null, "method_not_allowed");
            };
            case EngineFailureException x -> internal("The engine failed: " + x.getMessage(), x);
            default -> internal("Internal server error: " + e, e);
        };
    }

    private HttpError rateLimited(String message) {
        return new HttpError(429, ErrorBody.of(message, "rate_limit_exceeded", null, "rate_limit_exceeded"),
                retryAfterSeconds);
    }

    private static HttpError internal(String message, Throwable e) {
        LOG.error("request failed: {}", message, e);
        return error(500, message, "server_error", null, "internal_error");
    }

    private static HttpError error(int status, String message, String type, String param, String code) {
        return new HttpError(status, ErrorBody.of(message, type, param, code), 0);
    }

    /** An engine failure reported in an output (not an exception) after admission. */
    public HttpError engineFailure(String message) {
        return error(500, "The engine failed while generating: " + message, "server_error", null, "internal_error");
    }

    /** Writes {@code error} as the whole response (only before anything else was written). */
    public static void send(HttpServerResponse resp, HttpError error) {
        if (resp.headWritten() || resp.closed()) {
            return;
        }
        resp.setStatusCode(error.status()).putHeader(HttpNames.CONTENT_TYPE, HttpNames.JSON);
        if (error.status() == 429 || error.status() == 503) {
            resp.putHeader(HttpNames.RETRY_AFTER, Integer.toString(Math.max(error.retryAfterSeconds(), 1)));
        }
        if (error.status() == 401) {
            resp.putHeader(HttpNames.WWW_AUTHENTICATE, "Bearer");
        }
        resp.end(Buffer.buffer(ApiCodec.encode(error.body())));
    }

    /** The SSE event carrying {@code error} in a stream that already started. */
    public static Buffer sseEvent(HttpError error) {
        return SseWriter.frame(Buffer.buffer(), ApiCodec.encode(error.body()));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
