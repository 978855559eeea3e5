package dev.llmstream.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code --compare a.json b.json}: the main aggregates of two reports side by side with the ratio b/a and
 * which side is better for that metric (throughput: higher, latency: lower; within 2% is "="). Two sweep
 * files are compared run by run, matching runs by label. Works on the JSON files, not on in-memory
 * reports, so files from older builds or other machines compare as long as the fields exist (a missing
 * field prints "-").
 */
public final class ReportComparison {
    private static final double SAME = 0.02;

    /** A compared value: JSON path under {@code summary}, and whether higher is better. */
    private record Metric(String label, String[] path, boolean higherIsBetter) {
        Metric(String label, String path, boolean higherIsBetter) {
            this(label, path.split("\\."), higherIsBetter);
        }
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("completed", "completed", true),
            new Metric("failed", "failed", false),
            new Metric("requests/s", "request_s", true),
            new Metric("output tok/s", "output_tok_s", true),
            new Metric("total tok/s", "total_tok_s", true),
            new Metric("peak output tok/s", "peak_output_tok_s", true),
            new Metric("goodput req/s", "goodput.request_s", true),
            new Metric("TTFT p50 ms", "ttft_ms.p50", false),
            new Metric("TTFT p90 ms", "ttft_ms.p90", false),
            new Metric("TTFT p99 ms", "ttft_ms.p99", false),
            new Metric("TPOT p50 ms", "tpot_ms.p50", false),
            new Metric("TPOT p99 ms", "tpot_ms.p99", false),
            new Metric("ITL p50 ms", "itl_ms.p50", false),
            new Metric("ITL p99 ms", "itl_ms.p99", false),
            new Metric("E2E p50 ms", "e2e_ms.p50", false),
            new Metric("E2E p99 ms", "e2e_ms.p99", false));

    private ReportComparison() {
    }

    /** Prints the comparison; returns false when the files cannot be compared (one sweep, one single run). */
    public static boolean print(JsonNode a, JsonNode b, String nameA, String nameB, PrintStream out) {
        boolean sweepA = a.has("runs");
        boolean sweepB = b.has("runs");
        out.println("a = " + nameA);
        out.println("b = " + nameB);
        if (!sweepA && !sweepB) {
            table(a, b, out);
            return true;
        }
        if (sweepA != sweepB) {
            out.println("cannot compare a sweep with a single run");
            return false;
        }
        JsonNode runsA = a.get("runs");
        JsonNode runsB = b.get("runs");
        for (int i = 0; i < runsA.size(); i++) {
            JsonNode ra = runsA.get(i);
            JsonNode rb = match(runsB, ra.path("label").asText(), i);
            out.println();
            out.println("[" + ra.path("label").asText("run " + i) + "]");
            if (rb == null) {
                out.println("  no matching run in b");
            } else {
                table(ra, rb, out);
            }
        }
        return true;
    }

    private static JsonNode match(JsonNode runs, String label, int index) {
        for (JsonNode r : runs) {
            if (r.path("label").asText().equals(label)) {
                return r;
            }
        }
        return index < runs.size() ? runs.get(index) : null;
    }

    private static void table(JsonNode a, JsonNode b, PrintStream out) {
        out.printf(Locale.ROOT, "%-20s %12s %12s %8s %7s%n", "metric", "a", "b", "b/a", "better");
        for (Metric m : METRICS) {
            double va = value(a.path("summary"), m.path());
            double vb = value(b.path("summary"), m.path());
            String ratio = "-";
            String better = "-";
            if (!Double.isNaN(va) && !Double.isNaN(vb)) {
                if (va != 0) {
                    double r = vb / va;
                    ratio = String.format(Locale.ROOT, "%.2fx", r);
                    better = Math.abs(r - 1) <= SAME ? "=" : (r > 1) == m.higherIsBetter() ? "b" : "a";
                } else if (vb == 0) {
                    better = "=";
                }
            }
            out.printf(Locale.ROOT, "%-20s %12s %12s %8s %7s%n", m.label(), TerminalReport.f(va), TerminalReport.f(vb),
                    ratio, better);
        }
        out.flush();
    }

    private static double value(JsonNode node, String[] path) {
        JsonNode n = node;
        for (String p : path) {
            n = n.path(p);
        }
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
