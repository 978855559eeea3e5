package dev.llmstream.server;

import java.util.Set;

/**
 * Every HTTP route and header name the server uses, in one place (telemetry tags endpoints by these
 * route strings; docs/api.md lists them).
 */
public final class HttpNames {
    private HttpNames() {}

    // routes (OpenAI's paths, vLLM's tokenizer paths, Kubernetes-style probes)
    public static final String CHAT_COMPLETIONS = "/v1/chat/completions";
    public static final String COMPLETIONS = "/v1/completions";
    public static final String MODELS = "/v1/models";
    public static final String TOKENIZE = "/tokenize";
    public static final String DETOKENIZE = "/detokenize";
    public static final String HEALTH = "/health";
    public static final String READY = "/ready";
    /** Prometheus exposition (telemetry); the path Prometheus and the inference gateway scrape by default. */
    public static final String METRICS = "/metrics";

    /** Every route (a known path with another method is a 405, not a 404). */
    public static final Set<String> ROUTES = Set.of(CHAT_COMPLETIONS, COMPLETIONS, MODELS, TOKENIZE, DETOKENIZE, HEALTH,
            READY, METRICS);

    /**
     * Routes answered without an API key: liveness/readiness probes carry no credentials, and neither
     * do Prometheus or the inference gateway's 50 ms scrapes (vLLM leaves /metrics open too).
     */
    public static final Set<String> PUBLIC_ROUTES = Set.of(HEALTH, READY, METRICS);

    // request headers
    public static final String AUTHORIZATION = "Authorization";
    public static final String BEARER = "Bearer ";
    /** Client-chosen request id (vLLM bench sends one); echoed on the response. */
    public static final String REQUEST_ID = "X-Request-Id";
    /** W3C trace context, handed to request observers. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    // response headers
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String RETRY_AFTER = "Retry-After";
    public static final String CACHE_CONTROL = "Cache-Control";
    public static final String ACCEPT = "Accept";
    /** Tells nginx-style proxies not to buffer the event stream. */
    public static final String ACCEL_BUFFERING = "X-Accel-Buffering";
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";

    public static final String JSON = "application/json";
    /** SSE's media type (WHATWG HTML §9.2 "Server-sent events"); OpenAI adds the charset. */
    public static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
}
