package dev.llmstream.bench.report;

import dev.llmstream.bench.BenchReport;
import dev.llmstream.bench.Distribution;
import dev.llmstream.bench.Summary;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain-text tables for the terminal: one run (header, throughput line, latency table, goodput, prefix
 * cache, errors, notes), or one row per run of a sweep. Fixed-width, ASCII only, so it pastes into issues.
 */
public final class TerminalReport {
    private TerminalReport() {
    }

    public static void print(BenchReport r, PrintStream out) {
        Summary s = r.summary();
        out.println();
        out.println("llmstream bench" + (r.label() == null ? "" : " [" + r.label() + "]") + "  " + r.endpointUrl()
                + "  model=" + (r.model() == null ? "(none)" : r.model()));
        out.println("  load: " + r.config().load().describe() + "; workload: " + r.workload()
                + "; tokens counted by " + r.tokenCounting() + (r.tokenCountingExact() ? "" : " (approximate)"));
        out.printf(Locale.ROOT, "  completed %d, failed %d (warm-up %d excluded), duration %.2f s%n",
                s.completed(), s.failed(), s.warmup(), s.durationS());
        out.printf(Locale.ROOT, "  requests/s %.3f   output tok/s %.2f   total tok/s %.2f   peak output tok/s %.1f"
                + "   peak concurrency %d%n", s.requestS(), s.outputTokS(), s.totalTokS(), s.peakOutputTokS(),
                s.peakConcurrency());
        out.printf(Locale.ROOT, "  tokens: input %d, output %d (from %s)%s%n", s.inputTokens(), s.outputTokens(),
                s.outputTokensSource(), s.cachedTokens() >= 0 ? ", cached prompt " + s.cachedTokens() : "");
        out.println();
        out.printf(Locale.ROOT, "  %-24s %9s %9s %9s %9s %9s %9s %6s%n", "latency (ms)", "mean", "p50", "p90",
                "p95", "p99", "max", "n");
        row(out, "TTFT", s.ttft());
        row(out, "TPOT (excl. 1st)", s.tpot());
        row(out, "ITL (per chunk)", s.itl());
        row(out, "E2E", s.e2e());
        row(out, "TPOT incl. 1st (guidellm)", s.tpotInclFirst());
        if (s.queue().count() > 0 && s.queue().max() > 1) {
            row(out, "client queue", s.queue());
        }
        if (s.goodput() != null) {
            out.printf(Locale.ROOT, "%n  goodput (%s): %d of %d completed met it, %.3f req/s%n", s.goodput().slo(),
                    s.goodput().met(), s.completed(), s.goodput().requestS());
        }
        if (s.prefixCache() != null) {
            Summary.PrefixCache p = s.prefixCache();
            out.printf(Locale.ROOT, "%n  prefix groups %d: cold TTFT p50 %s ms (n=%d), warm TTFT p50 %s ms (n=%d),"
                    + " warm/cold %s%n", p.groups(), f(p.coldTtft().p50()), p.coldTtft().count(), f(p.warmTtft().p50()),
                    p.warmTtft().count(), f(p.warmToColdP50()));
        }
        if (!s.errors().isEmpty()) {
            out.println();
            out.println("  errors: " + errors(s.errors()));
        }
        if (r.serverMetrics() != null) {
            out.println();
            out.println("  server metrics (" + r.serverMetrics().url() + "): "
                    + (r.serverMetrics().error() != null ? r.serverMetrics().error()
                    : r.serverMetrics().counters().size() + " counters, " + r.serverMetrics().histograms().size()
                    + " histograms changed" + (r.serverMetrics().derived().isEmpty() ? ""
                    : "; " + r.serverMetrics().derived())));
            r.serverMetrics().histograms().forEach((k, v) -> out.printf(Locale.ROOT, "    %-56s n=%.0f mean %.2f ms%n",
                    k, v.count(), v.meanMs()));
        }
        for (String note : r.notes()) {
            out.println("  note: " + note);
        }
        out.flush();
    }

    /** One row per run: the standard matrix view. */
    public static void printSweep(List<BenchReport> runs, PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-22s %7s %6s %9s %9s %9s %9s %9s %9s %9s%n", "run", "ok", "failed", "req/s",
                "out tok/s", "TTFT p50", "TTFT p99", "TPOT p50", "ITL p99", "E2E p50");
        for (BenchReport r : runs) {
            Summary s = r.summary();
            out.printf(Locale.ROOT, "%-22s %7d %6d %9.3f %9.2f %9s %9s %9s %9s %9s%n",
                    r.label() == null ? "run" : r.label(), s.completed(), s.failed(), s.requestS(), s.outputTokS(),
                    f(s.ttft().p50()), f(s.ttft().p99()), f(s.tpot().p50()), f(s.itl().p99()), f(s.e2e().p50()));
        }
        out.println("(latencies in ms)");
        out.flush();
    }

    private static void row(PrintStream out, String name, Distribution d) {
        out.printf(Locale.ROOT, "  %-24s %9s %9s %9s %9s %9s %9s %6d%n", name, f(d.mean()), f(d.p50()), f(d.p90()),
                f(d.p95()), f(d.p99()), f(d.max()), d.count());
    }

    private static String errors(Map<String, Integer> errors) {
        StringBuilder sb = new StringBuilder();
        errors.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }

    /** A number with precision that suits its size (whole numbers without decimals); "-" for NaN. */
    static String f(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (v == Math.rint(v) || a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}
