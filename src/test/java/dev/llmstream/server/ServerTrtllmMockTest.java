package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmstream.engine.trtllm.TrtllmAvailability;
import dev.llmstream.engine.trtllm.TrtllmConfig;
import dev.llmstream.engine.trtllm.TrtllmEngine;
import dev.llmstream.frontend.RequestObserver;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server streaming through the TensorRT-LLM engine's real JNI path, backed by the CPU mock of
 * the shim (built by the normal test build): SSE framing, usage and metrics from the engine's perf
 * records, and a disconnect that cancels in the engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerTrtllmMockTest {
    private TrtllmEngine engine;
    private TestServer server;

    @BeforeAll
    void start() throws Exception {
        TrtllmAvailability.Availability a = TrtllmAvailability.probe();
        // the mock is loaded but, by design, never "available" for serving
        if (!a.mock() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("the TensorRT-LLM mock shim must be built under CI: " + a.reason());
        }
        assumeTrue(a.mock(), () -> "TensorRT-LLM mock shim not built: " + a.reason());
        Path dir = Path.of("target", "trtllm-mock-engines", "server-" + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        int vocab = TestModel.text().tokenizer().vocabSize();
        Files.writeString(dir.resolve("mock_engine.cfg"), "vocab_size=" + vocab + "\nstep_us=2000\n");
        engine = TrtllmEngine.start(TrtllmConfig.of(dir).withModelName("tiny-trtllm")
                .withEndOfGenerationIds(TestModel.text().endOfGenerationIds())
                .withScheduling(new TrtllmConfig.Scheduling(0, 0, 64, true, true)).withMockAllowed());
        server = new TestServer(TestServer.config(), engine, RequestObserver.NONE);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void streamsChatThroughTheJniEngineWithUsageAndMetrics() throws Exception {
        HttpResponse<String> r = server.post("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"hello there"}],"max_tokens":12,"ignore_eos":true,
                 "stream":true,"stream_options":{"include_usage":true}}""");
        assertThat(r.statusCode()).isEqualTo(200);
        String body = r.body();
        assertThat(body).startsWith("data: {").contains("\"role\":\"assistant\"").endsWith("data: [DONE]\n\n");
        assertThat(body).contains("\"finish_reason\":\"length\"").contains("\"completion_tokens\":12");
        assertThat(body).contains("\"ttft_ms\"").contains("\"tpot_ms\"");
        TestServer.awaitEngineIdle(engine);
    }

    @Test
    void aClientThatGoesAwayCancelsTheRequestInTheEngine() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.base() + "/v1/completions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"prompt\":\"tell me\",\"max_tokens\":4000,\"ignore_eos\":true,\"stream\":true}"))
                .build();
        long before = engine.stats().generationTokens();
        HttpResponse<InputStream> r = server.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            byte[] first = in.readNBytes(200);
            assertThat(new String(first)).startsWith("data: ");
        }
        TestServer.awaitEngineIdle(engine);
        server.awaitNoneInFlight();
        // 4000 tokens at 2 ms per mock step would take 8 s: the engine stopped long before
        assertThat(engine.stats().generationTokens() - before).isLessThan(4000);
    }
}
