package dev.llmstream.frontend;

import dev.llmstream.api.Endpoint;
import dev.llmstream.api.GenerationRequest;
import java.util.Map;

/**
 * What a request observer may know about a request: low-cardinality facts for metrics tags and the
 * values a span needs. The prompt is reachable through {@code request}, for the one consumer allowed
 * to read it (the access log, only when {@code telemetry.log_prompts} is on); metrics and spans never do.
 *
 * @param requestId       the response id ({@code chatcmpl-...})
 * @param endpoint        chat or text completion
 * @param model           the served model id
 * @param stream          SSE or one JSON body
 * @param n               choices
 * @param maxTokens       requested output limit (null: unset)
 * @param arrivalNanos    {@link System#nanoTime()} when the HTTP request reached the server
 * @param traceHeaders    W3C trace-context headers as received ({@code traceparent}, {@code tracestate})
 * @param clientRequestId the client's {@code X-Request-Id}, or null
 * @param request         the validated request (sampling parameters for spans), null until the body parsed
 */
public record RequestInfo(String requestId, Endpoint endpoint, String model, boolean stream, int n, Integer maxTokens,
                          long arrivalNanos, Map<String, String> traceHeaders, String clientRequestId,
                          GenerationRequest request) {
    public RequestInfo {
        traceHeaders = traceHeaders == null ? Map.of() : Map.copyOf(traceHeaders);
    }
}
