package dev.llmstream.bench.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Counts tokens with the server's own {@code POST /tokenize}, in one of the two shapes in use:
 *
 * <ul>
 *   <li>vLLM (and llmstream): {@code {"model": M, "prompt": text, "add_special_tokens": false}} →
 *       {@code {"tokens": [...], "count": N, ...}};</li>
 *   <li>llama.cpp's server: {@code {"content": text}} (specials are not added by default) →
 *       {@code {"tokens": [...]}}.</li>
 * </ul>
 *
 * <p>{@link #probe} tries both on a known non-empty text and keeps the first that answers with a
 * non-zero count. The check matters: llama.cpp answers a vLLM-shaped body with {@code {"tokens": []}}
 * instead of an error, because it only looks for {@code content}.
 */
public final class ServerTokenCounter implements TokenCounter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE_TEXT = "The quick brown fox jumps over the lazy dog.";

    private final HttpClient http;
    private final URI uri;
    private final String model;
    private final Method method;
    private final Duration timeout;
    private final Map<String, String> headers;

    private ServerTokenCounter(HttpClient http, URI uri, String model, Method method, Duration timeout,
                               Map<String, String> headers) {
        this.http = http;
        this.uri = uri;
        this.model = model;
        this.method = method;
        this.timeout = timeout;
        this.headers = headers;
    }

    /**
     * The server's tokenizer if {@code baseUrl/tokenize} answers in either shape, else empty (the caller
     * falls back and says so in the report).
     *
     * @param model model name for the vLLM shape; null leaves it out
     */
    public static Optional<ServerTokenCounter> probe(HttpClient http, URI baseUrl, String model, Duration timeout,
                                                     Map<String, String> headers) {
        URI uri = URI.create(baseUrl.toString() + "/tokenize");
        for (Method m : new Method[] {Method.SERVER_TOKENIZE, Method.SERVER_TOKENIZE_LLAMACPP}) {
            ServerTokenCounter c = new ServerTokenCounter(http, uri, model, m, timeout, headers);
            try {
                if (c.count(PROBE_TEXT) > 0) {
                    return Optional.of(c);
                }
            } catch (IOException e) {
                // Not this shape (404, 400, 500, not JSON) or no server: try the next, then give up.
            }
        }
        return Optional.empty();
    }

    @Override
    public int count(String text) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        if (method == Method.SERVER_TOKENIZE) {
            if (model != null) {
                body.put("model", model);
            }
            body.put("prompt", text);
            body.put("add_special_tokens", false);
        } else {
            body.put("content", text);
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
        headers.forEach(rb::header);
        HttpResponse<String> resp;
        try {
            resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while tokenizing", e);
        }
        if (resp.statusCode() != 200) {
            throw new IOException("POST " + uri + " answered HTTP " + resp.statusCode());
        }
        JsonNode root;
        try {
            root = JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new IOException("POST " + uri + " did not answer JSON", e);
        }
        JsonNode count = root.get("count");
        if (count != null && count.canConvertToInt()) {
            return count.asInt();
        }
        JsonNode tokens = root.get("tokens");
        if (tokens != null && tokens.isArray()) {
            return tokens.size();
        }
        throw new IOException("POST " + uri + " answered neither 'count' nor 'tokens'");
    }

    @Override
    public Method method() {
        return method;
    }
}
