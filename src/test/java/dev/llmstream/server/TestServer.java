package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.config.ServerConfig;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.frontend.RequestObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real server on a loopback port over an engine, plus small HTTP helpers for tests. */
final class TestServer implements AutoCloseable {
    final LlmServer server;
    final InferenceEngine engine;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    TestServer(ServerConfig config, InferenceEngine engine, RequestObserver observer) {
        this.engine = engine;
        this.server = LlmServer.start(config.withPort(0), observer);
        server.serve(engine, TestModel.text(), TestModel.file().toString());
    }

    /** The shared tiny engine, default test config (1 event loop, short keep-alive). */
    static TestServer shared() {
        return new TestServer(config(), TestModel.engine(), RequestObserver.NONE);
    }

    static ServerConfig config() {
        return ServerConfig.forTests().withLimits(64, 1 << 20, Duration.ofSeconds(120), Duration.ofSeconds(10))
                .withSendBufferBytes(8192); // small, so slow readers reach backpressure in tests
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the engine holds no request and no KV block (all cancelled/finished work freed). */
    static void awaitEngineIdle(InferenceEngine engine) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        EngineStats s = engine.stats();
        while (System.nanoTime() < deadline) {
            s = engine.stats();
            if (s.running() == 0 && s.waiting() == 0 && s.kvBlocksUsed() == 0) {
                return;
            }
            Thread.sleep(10);
        }
        assertThat(s.running()).as("running requests").isZero();
        assertThat(s.waiting()).as("waiting requests").isZero();
        assertThat(s.kvBlocksUsed()).as("KV blocks in use").isZero();
    }

    void awaitNoneInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.inFlight()).as("admission permits held").isZero();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
