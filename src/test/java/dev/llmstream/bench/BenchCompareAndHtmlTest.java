package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmstream.bench.report.HtmlReport;
import dev.llmstream.bench.report.ReportComparison;
import dev.llmstream.bench.report.ReportJson;
import dev.llmstream.bench.report.TerminalReport;
import dev.llmstream.bench.workload.WorkloadSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** --compare ratios, the terminal table and the self-contained HTML page. */
class BenchCompareAndHtmlTest {
    private static BenchReport report;

    @BeforeAll
    static void run() throws Exception {
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(3, 5, 2))) {
            report = BenchRunner.run(BenchConfig.builder(server.url()).requests(6).concurrency(2)
                    .workload(new WorkloadSpec(WorkloadSpec.Kind.SHARED_PREFIX, null,
                            dev.llmstream.bench.workload.TokenRange.fixed(4), dev.llmstream.bench.workload.TokenRange.fixed(3),
                            16, 2)).build());
        }
    }

    private static JsonNode summary(double tokS, double ttftP99) {
        ObjectNode root = ReportJson.mapper().createObjectNode();
        root.put("schema", ReportJson.SCHEMA);
        ObjectNode s = root.putObject("summary");
        s.put("completed", 10);
        s.put("output_tok_s", tokS);
        s.putObject("ttft_ms").put("p99", ttftP99);
        return root;
    }

    private static String capture(java.util.function.Consumer<PrintStream> body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        body.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void compareShowsRatiosAndTheBetterSide() {
        String out = capture(p -> assertThat(ReportComparison.print(summary(100, 200), summary(150, 100), "a.json",
                "b.json", p)).isTrue());
        assertThat(out).containsPattern("output tok/s\\s+100\\s+150\\s+1\\.50x\\s+b");
        assertThat(out).containsPattern("TTFT p99 ms\\s+200\\s+100\\s+0\\.50x\\s+b");
        assertThat(out).containsPattern("completed\\s+10\\s+10\\s+1\\.00x\\s+=");
        assertThat(out).containsPattern("TPOT p50 ms\\s+-\\s+-\\s+-");
    }

    @Test
    void compareMatchesSweepRunsByLabel() {
        SweepSpec sweep = SweepSpec.parse("concurrency=1,2");
        JsonNode a = ReportJson.sweepJson(List.of(report.withLabel("concurrency=1"), report.withLabel("concurrency=2")), sweep);
        JsonNode b = ReportJson.sweepJson(List.of(report.withLabel("concurrency=2"), report.withLabel("concurrency=1")), sweep);
        String out = capture(p -> ReportComparison.print(a, b, "a", "b", p));
        assertThat(out).contains("[concurrency=1]", "[concurrency=2]").contains("1.00x");
        String mixed = capture(p -> assertThat(ReportComparison.print(a, ReportJson.toJson(report), "a", "b", p)).isFalse());
        assertThat(mixed).contains("cannot compare");
    }

    @Test
    void terminalTableNamesTheMetrics() {
        String out = capture(p -> TerminalReport.print(report, p));
        assertThat(out).contains("TTFT", "TPOT (excl. 1st)", "ITL (per chunk)", "E2E", "completed 6, failed 0",
                "prefix groups 2");
        String sweep = capture(p -> TerminalReport.printSweep(List.of(report.withLabel("concurrency=2")), p));
        assertThat(sweep).contains("concurrency=2", "TTFT p99");
    }

    @Test
    void htmlReportIsSelfContained() {
        String single = HtmlReport.render(List.of(report), null);
        SweepSpec sweep = SweepSpec.parse("concurrency=1,2");
        String series = HtmlReport.render(List.of(report.withLabel("concurrency=1"), report.withLabel("concurrency=2")), sweep);
        for (String html : List.of(single, series)) {
            assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").endsWith("</html>\n");
            // Nothing is loaded from anywhere: no src/href attributes, CSS imports or url() references, no scripts.
            assertThat(html).doesNotContainPattern("(?i)\\b(src|href)\\s*=")
                    .doesNotContainPattern("(?i)url\\(")
                    .doesNotContainPattern("(?i)@import")
                    .doesNotContainPattern("(?i)<(script|link|img|iframe)\\b");
            assertThat(html).contains("TTFT distribution", "ITL distribution", "Latency vs time", "Output tok/s over time");
        }
        assertThat(series).contains("Output tok/s vs concurrency", "Sweep over concurrency");
    }
}
