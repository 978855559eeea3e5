package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.cpu.CpuEngine;
import dev.llmstream.frontend.RequestObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start sequence of {@code serve}: listen (not ready) → engine warm-up → ready. */
class ServerWarmupTest {

    @Test
    void readyOnlyAfterTheWarmUpAndTheWarmUpLeavesNoTrace() throws Exception {
        LlmServer server = LlmServer.start(TestServer.config().withPort(0), RequestObserver.NONE);
        try (CpuEngine engine = TestModel.start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ready")).build();
            assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            Duration took = engine.warmUp();
            assertThat(took).isPositive();
            server.serve(engine, TestModel.text(), TestModel.file().toString());
            assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            TestServer.awaitEngineIdle(engine);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (engine.stats().requestsFinished() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5); // counters are reset on the engine thread after the warm-up
            }
            assertThat(engine.stats().requestsFinished()).as("warm-up requests are not counted").isZero();
        } finally {
            server.shutdown();
        }
    }
}
