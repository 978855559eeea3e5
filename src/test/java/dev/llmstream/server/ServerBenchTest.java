package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.bench.BenchConfig;
import dev.llmstream.bench.BenchReport;
import dev.llmstream.bench.BenchRunner;
import dev.llmstream.bench.report.ReportJson;
import dev.llmstream.bench.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;

/** `llmstream bench` against the real llmstream server on loopback (tiny model). */
class ServerBenchTest {

    @Test
    void benchMeasuresTheRealServerAndWritesTheStableSchema() throws Exception {
        try (TestServer s = TestServer.shared()) {
            BenchReport report = BenchRunner.run(BenchConfig.builder(s.base()).requests(6).concurrency(2).warmup(1)
                    .workload(WorkloadSpec.random(24, 8)).ignoreEos(true).build());
            JsonNode json = ReportJson.toJson(report);
            JsonNode summary = json.get("summary");
            assertThat(summary.get("completed").asInt()).isEqualTo(6);
            assertThat(summary.get("failed").asInt()).isZero();
            for (String k : new String[] {"duration_s", "request_s", "output_tok_s"}) {
                assertThat(summary.get(k).asDouble()).as(k).isPositive();
            }
            for (String m : new String[] {"ttft_ms", "tpot_ms", "itl_ms", "e2e_ms"}) {
                for (String q : new String[] {"mean", "p50", "p90", "p95", "p99", "max"}) {
                    assertThat(summary.get(m).hasNonNull(q)).as(m + "." + q).isTrue();
                }
            }
            assertThat(summary.get("ttft_ms").get("max").asDouble())
                    .isLessThanOrEqualTo(summary.get("e2e_ms").get("max").asDouble());
            assertThat(json.get("requests")).hasSize(6);
            // exact token counting through the server's /tokenize, output lengths from usage
            assertThat(report.tokenCountingExact()).isTrue();
            for (JsonNode r : json.get("requests")) {
                assertThat(r.get("output_tokens").asInt()).isEqualTo(8);
            }
            TestServer.awaitEngineIdle(s.engine);
        }
    }
}
