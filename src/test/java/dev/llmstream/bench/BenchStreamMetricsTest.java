package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.bench.workload.WorkloadSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Client-side metrics against a scripted server with known timings. Bounds that the script guarantees are
 * checked tightly (a token cannot arrive before the server slept for it); upper bounds are generous so a
 * loaded 2-core machine cannot make them flaky; identities between metrics are checked exactly.
 */
class BenchStreamMetricsTest {
    private static final long FIRST_MS = 150;
    private static final long GAP_MS = 40;
    private static final int TOKENS = 5;

    @Test
    void ttftTpotItlAndE2eComeFromTheChunkTimestamps() throws Exception {
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(TOKENS, FIRST_MS, GAP_MS))) {
            BenchReport report = BenchRunner.run(BenchConfig.builder(server.url()).requests(3)
                    .workload(WorkloadSpec.random(16, TOKENS)).build());

            assertThat(report.summary().completed()).isEqualTo(3);
            assertThat(report.summary().failed()).isZero();
            assertThat(report.model()).isEqualTo(ScriptedSseServer.MODEL);
            assertThat(report.modelSource()).isEqualTo("/v1/models");
            for (RequestRecord r : report.requests()) {
                assertThat(r.ok()).as(r.errorDetail()).isTrue();
                // The role-only chunk sent at once is not output: exactly the 5 content chunks are timed.
                assertThat(r.chunkNanos()).hasSize(TOKENS);
                assertThat(r.outputTokens()).isEqualTo(TOKENS);
                assertThat(r.outputTokensSource()).isEqualTo("usage");
                assertThat(r.inputTokens()).isEqualTo(16);
                assertThat(r.inputTokensSource()).isEqualTo("usage");
                assertThat(r.finishReason()).isEqualTo("length");
                // role + 5 tokens + finish + usage + [DONE]
                assertThat(r.events()).isEqualTo(9);

                long ms = 1_000_000L;
                assertThat(r.queueNanos()).isZero(); // closed loop: origin = send
                assertThat(r.ttftNanos()).isEqualTo(r.chunkNanos()[0]);
                assertThat(r.ttftNanos()).isBetween(FIRST_MS * ms, (FIRST_MS + 10_000) * ms);
                assertThat(r.e2eNanos()).isBetween((FIRST_MS + (TOKENS - 1) * GAP_MS) * ms, 20_000 * ms);
                assertThat(r.e2eNanos()).isGreaterThanOrEqualTo(r.chunkNanos()[TOKENS - 1]);

                long span = r.chunkNanos()[TOKENS - 1] - r.chunkNanos()[0];
                assertThat(r.tpotNanos()).isEqualTo((double) span / (TOKENS - 1));
                assertThat(Arrays.stream(r.itlNanos()).sum()).isEqualTo(span);
                assertThat(r.itlNanos()).hasSize(TOKENS - 1);
                assertThat(Arrays.stream(r.itlNanos()).min().orElseThrow()).isGreaterThanOrEqualTo(0);
                assertThat(r.tpotInclFirstNanos()).isEqualTo((double) r.chunkNanos()[TOKENS - 1] / TOKENS);
            }
            Summary s = report.summary();
            assertThat(s.ttft().count()).isEqualTo(3);
            assertThat(s.tpot().count()).isEqualTo(3);
            assertThat(s.itl().count()).isEqualTo(3 * (TOKENS - 1));
            assertThat(s.ttft().min()).isGreaterThanOrEqualTo(FIRST_MS);
            assertThat(s.outputTokens()).isEqualTo(3L * TOKENS);
            assertThat(s.inputTokens()).isEqualTo(3L * 16);
            assertThat(s.outputTokS()).isCloseTo(s.outputTokens() / s.durationS(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(s.peakConcurrency()).isEqualTo(1);
        }
    }

    @Test
    void requestsFollowTheOpenAiStreamingShapeWithIgnoreEosAndRequestIds() throws Exception {
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(2, 0, 0))) {
            BenchRunner.run(BenchConfig.builder(server.url() + "/v1/").model("m1").requests(2).ignoreEos(true)
                    .extraBody("{\"top_k\":1}").workload(WorkloadSpec.random(8, 2)).build());
            assertThat(server.bodies).hasSize(2);
            JsonNode b = server.bodies.getFirst();
            assertThat(b.path("model").asText()).isEqualTo("m1");
            assertThat(b.path("stream").asBoolean()).isTrue();
            assertThat(b.path("stream_options").path("include_usage").asBoolean()).isTrue();
            assertThat(b.path("max_tokens").asInt()).isEqualTo(2);
            assertThat(b.path("min_tokens").asInt()).isEqualTo(2);
            assertThat(b.path("ignore_eos").asBoolean()).isTrue();
            assertThat(b.path("temperature").asDouble()).isZero();
            assertThat(b.path("top_k").asInt()).isEqualTo(1);
            assertThat(b.path("messages").path(0).path("role").asText()).isEqualTo("user");
            assertThat(ScriptedSseServer.words(b.path("messages").path(0).path("content").asText())).isEqualTo(8);
            assertThat(server.requestIds).hasSize(2).doesNotHaveDuplicates().allMatch(id -> id.startsWith("bench-"));
        }
    }

    @Test
    void completionsEndpointSendsAPromptAndReadsTextChunks() throws Exception {
        ScriptedSseServer.Script textStream = (ex, body, n) -> {
            var out = ScriptedSseServer.sse(ex);
            for (int i = 0; i < 3; i++) {
                ScriptedSseServer.event(out, "{\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"w"
                        + i + "\",\"finish_reason\":" + (i == 2 ? "\"stop\"" : "null") + "}]}");
            }
            ScriptedSseServer.event(out, "[DONE]");
        };
        try (ScriptedSseServer server = ScriptedSseServer.start(textStream)) {
            BenchReport r = BenchRunner.run(BenchConfig.builder(server.url()).endpoint(BenchConfig.Endpoint.COMPLETIONS)
                    .requests(1).saveText(true).workload(WorkloadSpec.random(4, 3)).build());
            assertThat(server.bodies.getFirst().path("prompt").isTextual()).isTrue();
            RequestRecord q = r.requests().getFirst();
            assertThat(q.ok()).isTrue();
            assertThat(q.text()).isEqualTo("w0w1w2");
            // No usage chunk: one token per output chunk, and the report says so.
            assertThat(q.outputTokens()).isEqualTo(3);
            assertThat(q.outputTokensSource()).isEqualTo("chunks");
            assertThat(q.inputTokensSource()).isEqualTo("workload");
            assertThat(r.summary().outputTokensSource()).isEqualTo("chunks");
        }
    }
}
