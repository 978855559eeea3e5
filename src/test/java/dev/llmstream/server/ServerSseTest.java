package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.api.ApiCodec;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.frontend.RequestObserver;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Raw SSE framing as OpenAI sends it, keep-alives, and failures after the stream started. */
class ServerSseTest {
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}],"
            + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":%d,\"ignore_eos\":true}";

    /** Splits an SSE body into events (blank-line separated), checking every line is data or a comment. */
    static List<String> events(String body) {
        assertThat(body).endsWith("\n\n");
        List<String> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            for (String line : block.split("\n")) {
                assertThat(line).as("every SSE line is 'data: ' or a ':' comment").matches("(data: |:).*");
            }
            out.add(block);
        }
        return out;
    }

    static List<JsonNode> dataEvents(List<String> events) {
        return events.stream().filter(e -> e.startsWith("data: ") && !e.equals("data: [DONE]"))
                .map(e -> ApiCodec.tree(e.substring(6))).toList();
    }

    @Test
    void chatStreamIsFramedExactlyAsOpenAi() throws Exception {
        try (TestServer ts = TestServer.shared()) {
            HttpResponse<String> r = ts.post("/v1/chat/completions", CHAT.formatted(7));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
            assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
            List<String> events = events(r.body());
            assertThat(events.getLast()).isEqualTo("data: [DONE]");
            List<JsonNode> data = dataEvents(events);
            JsonNode first = data.getFirst();
            assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
            assertThat(first.at("/choices/0/finish_reason").isNull()).isTrue();
            String id = first.path("id").asText();
            assertThat(data).allSatisfy(d -> assertThat(d.path("id").asText()).isEqualTo(id));
            JsonNode finish = data.get(data.size() - 2);
            assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("length");
            assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
            JsonNode usage = data.getLast();
            assertThat(usage.path("choices").isArray() && usage.path("choices").isEmpty()).isTrue();
            assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(7);
            assertThat(usage.at("/usage/prompt_tokens_details/cached_tokens").isInt()).isTrue();
            assertThat(usage.at("/metrics/ttft_ms").asDouble()).isPositive();
            assertThat(usage.at("/metrics/output_tokens").asInt()).isEqualTo(7);
        }
    }

    @Test
    void withoutIncludeUsageThereIsNoUsageChunk() throws Exception {
        try (TestServer ts = TestServer.shared()) {
            HttpResponse<String> r = ts.post("/v1/completions",
                    "{\"prompt\":\"abc\",\"stream\":true,\"max_tokens\":3,\"ignore_eos\":true}");
            List<JsonNode> data = dataEvents(events(r.body()));
            assertThat(data).allSatisfy(d -> {
                assertThat(d.has("usage")).isFalse();
                assertThat(d.path("object").asText()).isEqualTo("text_completion");
                assertThat(d.path("choices")).hasSize(1);
            });
            assertThat(data.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("length");
        }
    }

    @Test
    void keepAliveCommentsFlowWhileTheRequestWaits() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(TestModel.text().tokenizer().vocabSize());
        var config = TestServer.config().withLimits(8, 1 << 20, Duration.ofSeconds(60), Duration.ofSeconds(1));
        try (TestServer ts = new TestServer(config, engine, RequestObserver.NONE)) {
            CompletableFuture<HttpResponse<String>> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return ts.post("/v1/chat/completions", CHAT.formatted(4));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ScriptedEngine.Call call = engine.next();
            Thread.sleep(2_600); // "queued": no output for over two keep-alive intervals
            call.tokens(300, 301);
            call.finish(FinishReason.LENGTH, null);
            List<String> events = events(f.get().body());
            int firstData = 0;
            while (!events.get(firstData).startsWith("data: ")) {
                firstData++;
            }
            assertThat(firstData).as("keep-alive comments before the first data event").isGreaterThanOrEqualTo(2);
            assertThat(events.getFirst()).isEqualTo(": keep-alive");
        }
    }

    @Test
    void anEngineFailureAfterTheStreamStartedIsAnErrorEventThenClose() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(TestModel.text().tokenizer().vocabSize());
        try (TestServer ts = new TestServer(TestServer.config(), engine, RequestObserver.NONE)) {
            CompletableFuture<HttpResponse<String>> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return ts.post("/v1/chat/completions", CHAT.formatted(4));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ScriptedEngine.Call call = engine.next();
            call.tokens(300);
            call.finish(FinishReason.ERROR, "kernel exploded");
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> events = events(r.body());
            assertThat(events).doesNotContain("data: [DONE]");
            JsonNode last = ApiCodec.tree(events.getLast().substring(6));
            assertThat(last.at("/error/type").asText()).isEqualTo("server_error");
            assertThat(last.at("/error/message").asText()).contains("kernel exploded");
            ts.awaitNoneInFlight();
        }
    }

    @Test
    void aRequestPastItsTimeoutIsCancelledInTheEngine() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(TestModel.text().tokenizer().vocabSize());
        var config = TestServer.config().withLimits(8, 1 << 20, Duration.ofSeconds(1), Duration.ofSeconds(10));
        try (TestServer ts = new TestServer(config, engine, RequestObserver.NONE)) {
            CompletableFuture<HttpResponse<String>> stream = CompletableFuture.supplyAsync(() -> {
                try {
                    return ts.post("/v1/chat/completions", CHAT.formatted(4));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ScriptedEngine.Call call = engine.next();
            HttpResponse<String> r = stream.get();
            assertThat(call.cancelled).isTrue();
            JsonNode last = ApiCodec.tree(events(r.body()).getLast().substring(6));
            assertThat(last.at("/error/code").asText()).isEqualTo("timeout");
            // not streamed: the timeout is a plain 504
            CompletableFuture<HttpResponse<String>> plain = CompletableFuture.supplyAsync(() -> {
                try {
                    return ts.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":3}");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            engine.next();
            assertThat(plain.get().statusCode()).isEqualTo(504);
            ts.awaitNoneInFlight();
        }
    }
}
