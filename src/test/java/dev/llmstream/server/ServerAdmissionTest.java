package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.api.ApiCodec;
import dev.llmstream.config.ConfigLoader;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.frontend.RequestObserver;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** 429 before any 200, 401 without the right key, 413 for big bodies, readiness and drain. */
class ServerAdmissionTest {
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
            + "\"max_tokens\":4}";

    private static JsonNode error(HttpResponse<String> r) {
        return ApiCodec.tree(r.body()).path("error");
    }

    private static CompletableFuture<HttpResponse<String>> async(TestServer ts, String path, String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ts.post(path, body);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void fullAdmissionOrAFullEngineQueueIs429WithRetryAfter() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(TestModel.text().tokenizer().vocabSize());
        var config = TestServer.config().withLimits(1, 1 << 20, Duration.ofSeconds(60), Duration.ofSeconds(10));
        try (TestServer ts = new TestServer(config, engine, RequestObserver.NONE)) {
            var held = async(ts, "/v1/chat/completions", CHAT);
            ScriptedEngine.Call call = engine.next();
            HttpResponse<String> r = ts.post("/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            assertThat(error(r).path("code").asText()).isEqualTo("rate_limit_exceeded");
            call.finish(FinishReason.STOP, null);
            assertThat(held.get().statusCode()).isEqualTo(200);
            ts.awaitNoneInFlight();

            engine.overloaded = true; // the engine's own queue bound
            HttpResponse<String> q = ts.post("/v1/completions", "{\"prompt\":\"x\",\"stream\":true}");
            assertThat(q.statusCode()).isEqualTo(429);
            assertThat(q.headers().firstValue("retry-after")).isPresent();
            ts.awaitNoneInFlight();
        }
    }

    @Test
    void apiKeysAreRequiredExceptOnProbes() throws Exception {
        var config = TestServer.config().withApiKeyHashes(List.of(ConfigLoader.sha256Hex("s3cret")));
        try (TestServer ts = new TestServer(config, TestModel.engine(), RequestObserver.NONE)) {
            String body = "{\"prompt\":\"x\",\"max_tokens\":1}";
            HttpResponse<String> none = ts.post("/v1/completions", body);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(error(none).path("type").asText()).isEqualTo("authentication_error");
            assertThat(ts.post("/v1/completions", body, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(ts.post("/v1/completions", body, "Authorization", "Basic s3cret").statusCode()).isEqualTo(401);
            assertThat(ts.get("/v1/models").statusCode()).isEqualTo(401);
            assertThat(ts.post("/v1/completions", body, "Authorization", "Bearer s3cret").statusCode()).isEqualTo(200);
            assertThat(ts.get("/health").statusCode()).isEqualTo(200);
            assertThat(ts.get("/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void bodiesOverTheLimitAre413() throws Exception {
        var config = TestServer.config().withLimits(8, 2048, Duration.ofSeconds(60), Duration.ofSeconds(10));
        try (TestServer ts = new TestServer(config, TestModel.engine(), RequestObserver.NONE)) {
            HttpResponse<String> r = ts.post("/v1/completions", "{\"prompt\":\"" + "a".repeat(5000) + "\"}");
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(error(r).path("code").asText()).isEqualTo("request_too_large");
            assertThat(ts.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":1}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void readinessFollowsLoadingAndDrainingAndRunningStreamsFinish() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(TestModel.text().tokenizer().vocabSize());
        LlmServer server = LlmServer.start(TestServer.config().withPort(0).withDrainTimeout(Duration.ofSeconds(20)),
                RequestObserver.NONE);
        TestServer probe = null;
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            var ready = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/ready")).build();
            var health = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health")).build();
            assertThat(http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            var loading = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                    + "/v1/completions")).POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(loading.statusCode()).isEqualTo(503);
            server.serve(engine, TestModel.text(), "scripted");
            assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            CompletableFuture<HttpResponse<String>> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                            + "/v1/chat/completions")).POST(java.net.http.HttpRequest.BodyPublishers.ofString(CHAT))
                            .build(), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ScriptedEngine.Call call = engine.next();
            CompletableFuture<Void> drained = CompletableFuture.runAsync(server::shutdown);
            Thread.sleep(300);
            assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            call.tokens(300, 301);
            call.finish(FinishReason.LENGTH, null);
            HttpResponse<String> r = running.get();
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
            drained.get();
        } finally {
            server.shutdown();
        }
    }
}
