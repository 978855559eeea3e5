package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.bench.report.ReportJson;
import dev.llmstream.bench.workload.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --json-out schema: field names and types that readers depend on. */
class BenchReportJsonTest {
    private static final List<String> STATS = List.of("mean", "p50", "p90", "p95", "p99", "max");
    private static BenchReport report;

    @BeforeAll
    static void run() throws Exception {
        ScriptedSseServer.Script script = (ex, body, n) -> {
            if (n == 2) {
                ScriptedSseServer.json(ex, 503, "{\"error\":{\"message\":\"draining\"}}");
            } else {
                ScriptedSseServer.tokens(4, 5, 2).respond(ex, body, n);
            }
        };
        try (ScriptedSseServer server = ScriptedSseServer.start(script)) {
            report = BenchRunner.run(BenchConfig.builder(server.url()).requests(4).warmup(1)
                    .slo(Slo.parse("ttft=10s,tpot=5s")).scrapeMetrics().workload(WorkloadSpec.random(8, 4)).build());
        }
    }

    @Test
    void singleRunSchema(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        ReportJson.write(file, List.of(report), null);
        JsonNode root = ReportJson.read(file);
        assertThat(root.path("schema").asText()).isEqualTo(ReportJson.SCHEMA);

        JsonNode s = root.path("summary");
        // warm-up request 0 took server request 0; measured requests are server requests 1..4, so n == 2 fails
        assertThat(s.path("completed").isInt()).isTrue();
        assertThat(s.path("completed").asInt()).isEqualTo(3);
        assertThat(s.path("failed").asInt()).isEqualTo(1);
        assertThat(s.path("warmup_requests").asInt()).isEqualTo(1);
        for (String k : List.of("duration_s", "request_s", "output_tok_s", "total_tok_s")) {
            assertThat(s.path(k).isNumber()).as(k).isTrue();
        }
        for (String m : List.of("ttft_ms", "tpot_ms", "itl_ms", "e2e_ms")) {
            for (String st : STATS) {
                assertThat(s.path(m).path(st).isNumber()).as(m + "." + st).isTrue();
            }
            assertThat(s.path(m).path("p50").asDouble()).isLessThanOrEqualTo(s.path(m).path("max").asDouble());
        }
        assertThat(s.path("errors").path("http_503").asInt()).isEqualTo(1);
        assertThat(s.path("goodput").path("met").asInt()).isEqualTo(3);
        assertThat(s.path("prefix_cache").isNull()).isTrue();

        assertThat(root.path("target").path("model").asText()).isEqualTo(ScriptedSseServer.MODEL);
        assertThat(root.path("load").path("mode").asText()).isEqualTo("closed");
        assertThat(root.path("workload").path("token_counting").asText()).isEqualTo("server_tokenize");
        assertThat(root.path("workload").path("token_counting_exact").asBoolean()).isTrue();
        assertThat(root.path("vllm").path("mean_ttft_ms").isNumber()).isTrue();
        assertThat(root.path("vllm").path("p99_itl_ms").isNumber()).isTrue();
        assertThat(root.path("vllm").path("request_goodput").isNumber()).isTrue();
        // The scripted server has no /metrics: the scrape failure is reported, not thrown.
        assertThat(root.path("server_metrics").path("error").asText()).contains("404");

        JsonNode reqs = root.path("requests");
        assertThat(reqs.size()).isEqualTo(4);
        JsonNode ok = reqs.get(0);
        assertThat(ok.path("ok").asBoolean()).isTrue();
        assertThat(ok.path("chunk_ms").isArray()).isTrue();
        assertThat(ok.path("chunk_ms").size()).isEqualTo(4);
        assertThat(ok.path("chunk_ms").get(0).asDouble()).isEqualTo(ok.path("ttft_ms").asDouble());
        assertThat(ok.path("output_tokens").asInt()).isEqualTo(4);
        assertThat(ok.path("request_id").asText()).startsWith("bench-");
        JsonNode failed = reqs.get(1);
        assertThat(failed.path("ok").asBoolean()).isFalse();
        assertThat(failed.path("error").asText()).isEqualTo("http_503");
        assertThat(failed.path("ttft_ms").isNull()).isTrue(); // not NaN
        assertThat(Files.readString(file)).doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void sweepSchemaWrapsRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.json");
        SweepSpec sweep = SweepSpec.parse("concurrency=1,2");
        ReportJson.write(file, List.of(report.withLabel(sweep.label("1")), report.withLabel(sweep.label("2"))), sweep);
        JsonNode root = ReportJson.read(file);
        assertThat(root.path("schema").asText()).isEqualTo(ReportJson.SWEEP_SCHEMA);
        assertThat(root.path("sweep").path("parameter").asText()).isEqualTo("concurrency");
        assertThat(root.path("runs").size()).isEqualTo(2);
        assertThat(root.path("runs").get(1).path("label").asText()).isEqualTo("concurrency=2");
        assertThat(root.path("runs").get(1).path("summary").path("ttft_ms").path("p99").isNumber()).isTrue();
    }

    @Test
    void sweepAppliesTheParameter() {
        BenchConfig base = BenchConfig.builder("http://127.0.0.1:1").build();
        assertThat(SweepSpec.parse("concurrency=4").apply(base, "4").load()).isEqualTo(new LoadShape.Closed(4));
        assertThat(SweepSpec.parse("rate=inf").apply(base, "inf").load())
                .isEqualTo(LoadShape.Open.poisson(Double.POSITIVE_INFINITY));
        assertThat(SweepSpec.parse("input-len=512").apply(base, "512").workload().inputLen().min()).isEqualTo(512);
    }

    @Test
    void sweepPointsDrawTheirPromptsFromDistinctSeeds() {
        BenchConfig base = BenchConfig.builder("http://127.0.0.1:1").seed(7).build();
        SweepSpec sweep = SweepSpec.parse("concurrency=1,4,16");
        assertThat(BenchRunner.pointConfig(base, sweep, "1", 0).seed()).isEqualTo(7);
        assertThat(BenchRunner.pointConfig(base, sweep, "4", 1).seed()).isEqualTo(8);
        BenchConfig third = BenchRunner.pointConfig(base, sweep, "16", 2);
        assertThat(third.seed()).isEqualTo(9);
        assertThat(third.load()).isEqualTo(new LoadShape.Closed(16));
    }
}
