package dev.llmstream.bench.report;

import static dev.llmstream.bench.report.SvgCharts.esc;

import dev.llmstream.bench.BenchReport;
import dev.llmstream.bench.Distribution;
import dev.llmstream.bench.RequestRecord;
import dev.llmstream.bench.Summary;
import dev.llmstream.bench.SweepSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --html-out} page: one self-contained HTML file (inline CSS and SVG, no script, no external
 * URL) with, per run, the configuration, the latency table and charts of the TTFT and ITL distributions,
 * per-request latency against time and output tok/s against time; for a sweep first a table and charts
 * of throughput and latency against the swept parameter.
 */
public final class HtmlReport {
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1340px}
            h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px}
            table{border-collapse:collapse;margin:8px 0;font-size:13px}
            td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
            td:first-child,th:first-child{text-align:left}
            .charts{display:flex;flex-wrap:wrap;gap:12px}
            .chart{border:1px solid #eee;background:#fff}
            .chart .axis{stroke:#555}.chart .grid{stroke:#eee}
            .chart .tick{font-size:10px;fill:#555}.chart .label{font-size:11px;fill:#333}
            .chart .title{font-size:13px;font-weight:600;fill:#222}
            .note{color:#8a5a00}.muted{color:#777;font-size:12px}
            """;

    private HtmlReport() {
    }

    public static void write(Path file, List<BenchReport> runs, SweepSpec sweep) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(runs, sweep), StandardCharsets.UTF_8);
    }

    /** The page for one run ({@code sweep == null}) or a sweep. */
    public static String render(List<BenchReport> runs, SweepSpec sweep) {
        BenchReport first = runs.getFirst();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>llmstream bench</title>\n<style>")
                .append(CSS).append("</style></head><body>\n");
        h.append("<h1>llmstream bench</h1>\n<p>").append(esc(first.endpointUrl())).append(" &middot; model ")
                .append(esc(first.model() == null ? "(none)" : first.model())).append(" &middot; started ")
                .append(esc(first.startedAt().toString())).append("</p>\n");
        if (sweep != null) {
            sweepSection(h, runs, sweep);
        }
        for (BenchReport r : runs) {
            runSection(h, r, sweep == null);
        }
        h.append("<p class=\"muted\">TTFT: scheduled send → first output chunk. TPOT: (last − first output chunk) ÷"
                + " (output tokens − 1), vLLM's TPOT, AIPerf's and guidellm's ITL. ITL: each gap between output chunks,"
                + " vLLM's ITL, AIPerf's inter-chunk latency. E2E: scheduled send → end of stream. See docs/bench.md.</p>\n");
        return h.append("</body></html>\n").toString();
    }

    private static void sweepSection(StringBuilder h, List<BenchReport> runs, SweepSpec sweep) {
        h.append("<h2>Sweep over ").append(esc(sweep.parameter())).append("</h2>\n<table><tr><th>run</th><th>ok</th>"
                + "<th>failed</th><th>req/s</th><th>out tok/s</th><th>TTFT p50</th><th>TTFT p99</th><th>TPOT p50</th>"
                + "<th>ITL p99</th><th>E2E p50</th></tr>\n");
        int n = runs.size();
        String[] cats = new String[n];
        double[] tok = new double[n];
        double[] ttft50 = new double[n];
        double[] ttft99 = new double[n];
        double[] tpot50 = new double[n];
        double[] itl99 = new double[n];
        for (int i = 0; i < n; i++) {
            Summary s = runs.get(i).summary();
            cats[i] = i < sweep.values().size() ? sweep.values().get(i) : Integer.toString(i);
            tok[i] = s.outputTokS();
            ttft50[i] = s.ttft().p50();
            ttft99[i] = s.ttft().p99();
            tpot50[i] = s.tpot().p50();
            itl99[i] = s.itl().p99();
            h.append("<tr><td>").append(esc(runs.get(i).label())).append("</td><td>").append(s.completed())
                    .append("</td><td>").append(s.failed()).append("</td>");
            for (double v : new double[] {s.requestS(), s.outputTokS(), ttft50[i], ttft99[i], tpot50[i], itl99[i],
                s.e2e().p50()}) {
                h.append("<td>").append(TerminalReport.f(v)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table><p class=\"muted\">latencies in ms</p>\n<div class=\"charts\">\n");
        double[] idx = new double[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        h.append(SvgCharts.lines("Output tok/s vs " + sweep.parameter(), sweep.parameter(), "tok/s", cats,
                List.of(new SvgCharts.Series("output tok/s", idx, tok))));
        h.append(SvgCharts.lines("TTFT vs " + sweep.parameter(), sweep.parameter(), "ms", cats,
                List.of(new SvgCharts.Series("TTFT p50", idx, ttft50), new SvgCharts.Series("TTFT p99", idx, ttft99))));
        h.append(SvgCharts.lines("TPOT / ITL vs " + sweep.parameter(), sweep.parameter(), "ms", cats,
                List.of(new SvgCharts.Series("TPOT p50", idx, tpot50), new SvgCharts.Series("ITL p99", idx, itl99))));
        h.append("</div>\n");
    }

    private static void runSection(StringBuilder h, BenchReport r, boolean open) {
        Summary s = r.summary();
        String title = r.label() == null ? "Run" : r.label();
        h.append("<details").append(open ? " open" : "").append("><summary><b>").append(esc(title)).append("</b> &mdash; ")
                .append(s.completed()).append(" ok, ").append(s.failed()).append(" failed, ")
                .append(TerminalReport.f(s.outputTokS())).append(" output tok/s</summary>\n");
        h.append("<table>");
        kv(h, "load", r.config().load().describe());
        kv(h, "workload", r.workload() + " (" + r.workloadPrompts() + " prompts, tokens counted by "
                + r.tokenCounting() + (r.tokenCountingExact() ? ")" : ", approximate)"));
        kv(h, "requests", s.completed() + " completed, " + s.failed() + " failed, " + s.warmup() + " warm-up excluded");
        kv(h, "duration", String.format(Locale.ROOT, "%.2f s", s.durationS()));
        kv(h, "throughput", String.format(Locale.ROOT, "%.3f req/s, %.2f output tok/s, %.2f total tok/s, peak %.1f"
                + " output tok/s, peak concurrency %d", s.requestS(), s.outputTokS(), s.totalTokS(), s.peakOutputTokS(),
                s.peakConcurrency()));
        if (s.goodput() != null) {
            kv(h, "goodput", String.format(Locale.ROOT, "%s: %d met, %.3f req/s", s.goodput().slo(), s.goodput().met(),
                    s.goodput().requestS()));
        }
        if (s.prefixCache() != null) {
            kv(h, "prefix cache", String.format(Locale.ROOT, "cold TTFT p50 %s ms, warm TTFT p50 %s ms, warm/cold %s",
                    TerminalReport.f(s.prefixCache().coldTtft().p50()), TerminalReport.f(s.prefixCache().warmTtft().p50()),
                    TerminalReport.f(s.prefixCache().warmToColdP50())));
        }
        if (!s.errors().isEmpty()) {
            kv(h, "errors", s.errors().toString());
        }
        h.append("</table>\n<table><tr><th>ms</th><th>mean</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th>"
                + "<th>max</th><th>n</th></tr>\n");
        latencyRow(h, "TTFT", s.ttft());
        latencyRow(h, "TPOT", s.tpot());
        latencyRow(h, "ITL", s.itl());
        latencyRow(h, "E2E", s.e2e());
        latencyRow(h, "TPOT incl. first", s.tpotInclFirst());
        h.append("</table>\n");
        for (String note : r.notes()) {
            h.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        }
        charts(h, r);
        h.append("</details>\n");
    }

    private static void charts(StringBuilder h, BenchReport r) {
        List<RequestRecord> ok = r.requests().stream().filter(RequestRecord::ok).toList();
        double[] ttft = ok.stream().mapToDouble(q -> q.ttftNanos() / 1e6).toArray();
        List<Double> itlList = new ArrayList<>();
        for (RequestRecord q : ok) {
            for (long g : q.itlNanos()) {
                itlList.add(g / 1e6);
            }
        }
        double[] itl = itlList.stream().mapToDouble(Double::doubleValue).toArray();
        double[] at = ok.stream().mapToDouble(q -> q.scheduledNanos() / 1e9).toArray();
        double[] e2e = ok.stream().mapToDouble(q -> q.e2eNanos() / 1e6).toArray();
        double[] perSecond = Summary.outputTokensPerSecond(r.requests());
        // The last window is usually partial: show its rate, not its count.
        double lastFraction = r.summary().durationS() - (perSecond.length - 1);
        if (perSecond.length > 1 && lastFraction > 0.05 && lastFraction < 1) {
            perSecond[perSecond.length - 1] /= lastFraction;
        }
        String[] seconds = new String[perSecond.length];
        double[] secIdx = new double[perSecond.length];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = Integer.toString(i);
            secIdx[i] = i;
        }
        h.append("<div class=\"charts\">\n");
        h.append(SvgCharts.histogram("TTFT distribution", "ms", ttft, SvgCharts.COLORS[0]));
        h.append(SvgCharts.histogram("ITL distribution (per chunk gap)", "ms", itl, SvgCharts.COLORS[2]));
        h.append(SvgCharts.scatter("Latency vs time (by scheduled send)", "s since start", "ms",
                List.of(new SvgCharts.Series("TTFT", at, ttft), new SvgCharts.Series("E2E", at, e2e))));
        h.append(SvgCharts.lines("Output tok/s over time", "s since start", "tok/s", seconds,
                List.of(new SvgCharts.Series("output tok/s", secIdx, perSecond))));
        h.append("</div>\n");
    }

    private static void kv(StringBuilder h, String k, String v) {
        h.append("<tr><td>").append(esc(k)).append("</td><td style=\"text-align:left\">").append(esc(v))
                .append("</td></tr>\n");
    }

    private static void latencyRow(StringBuilder h, String name, Distribution d) {
        h.append("<tr><td>").append(esc(name)).append("</td>");
        for (double v : new double[] {d.mean(), d.p50(), d.p90(), d.p95(), d.p99(), d.max()}) {
            h.append("<td>").append(TerminalReport.f(v)).append("</td>");
        }
        h.append("<td>").append(d.count()).append("</td></tr>\n");
    }
}
