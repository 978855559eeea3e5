package dev.llmstream.frontend;

import dev.llmstream.api.Endpoint;
import java.util.Map;

/**
 * What a request observer may know about a request: low-cardinality facts for metrics tags and the
 * values a span needs. Never the prompt text.
 *
 * @param requestId    the response id ({@code chatcmpl-...})
 * @param endpoint     chat or text completion
 * @param model        the served model id
 * @param stream       SSE or one JSON body
 * @param n            choices
 * @param maxTokens    requested output limit (null: unset)
 * @param arrivalNanos {@link System#nanoTime()} when the HTTP request reached the server
 * @param traceHeaders W3C trace-context headers as received ({@code traceparent}, {@code tracestate})
 */
public record RequestInfo(String requestId, Endpoint endpoint, String model, boolean stream, int n, Integer maxTokens,
                          long arrivalNanos, Map<String, String> traceHeaders) {
    public RequestInfo {
        traceHeaders = traceHeaders == null ? Map.of() : Map.copyOf(traceHeaders);
    }
}
