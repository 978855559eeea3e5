package dev.llmstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Service-level objectives for goodput: a completed request is "good" when it meets every objective set.
 * Goodput = good requests ÷ run duration (DistServe's definition, used by vLLM's {@code --goodput} and
 * AIPerf). Objectives are on per-request values: TTFT, TPOT ((e2e−TTFT)/(tokens−1), a request with one
 * token meets any TPOT objective, as in vLLM) and e2e latency.
 *
 * <p>Written {@code ttft=500ms,tpot=50ms,e2e=10s}; {@code :} may replace {@code =} and spaces may
 * replace commas (so vLLM's {@code ttft:500 tpot:50} works); bare numbers are milliseconds; {@code e2el}
 * is accepted for {@code e2e}. A profile file ({@code loadtest/slo/*.slo}) holds the same text, with
 * {@code #} comments.
 *
 * @param ttftMs objective on TTFT or null
 * @param tpotMs objective on TPOT or null
 * @param e2eMs objective on end-to-end latency or null
 */
public record Slo(Double ttftMs, Double tpotMs, Double e2eMs) {
    public static final Slo NONE = new Slo(null, null, null);

    /** Parses an inline spec. */
    public static Slo parse(String spec) {
        Double ttft = null;
        Double tpot = null;
        Double e2e = null;
        for (String part : spec.strip().split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=') >= 0 ? part.indexOf('=') : part.indexOf(':');
            if (eq <= 0) {
                throw new IllegalArgumentException("SLO '" + part + "' is not key=value (e.g. ttft=500ms)");
            }
            String key = part.substring(0, eq).toLowerCase(Locale.ROOT);
            double ms = TimeSpec.parseMillis(part.substring(eq + 1));
            switch (key) {
                case "ttft" -> ttft = ms;
                case "tpot" -> tpot = ms;
                case "e2e", "e2el" -> e2e = ms;
                default -> throw new IllegalArgumentException("unknown SLO key '" + key + "' (ttft, tpot, e2e)");
            }
        }
        return new Slo(ttft, tpot, e2e);
    }

    /** An inline spec (contains {@code =} or {@code :}) or the path of a profile file. */
    public static Slo parseOrLoad(String specOrFile) throws IOException {
        if (specOrFile.contains("=") || specOrFile.contains(":") && !Files.exists(Path.of(specOrFile))) {
            return parse(specOrFile);
        }
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(Path.of(specOrFile), StandardCharsets.UTF_8)) {
            int hash = line.indexOf('#');
            sb.append(hash >= 0 ? line.substring(0, hash) : line).append(' ');
        }
        return parse(sb.toString());
    }

    public boolean isEmpty() {
        return ttftMs == null && tpotMs == null && e2eMs == null;
    }

    /** Whether a completed request meets every objective. */
    public boolean met(RequestRecord r) {
        if (!r.ok()) {
            return false;
        }
        if (ttftMs != null && r.ttftNanos() / 1e6 > ttftMs) {
            return false;
        }
        double tpot = r.tpotNanos();
        if (tpotMs != null && !Double.isNaN(tpot) && tpot / 1e6 > tpotMs) {
            return false;
        }
        return e2eMs == null || r.e2eNanos() / 1e6 <= e2eMs;
    }

    /** {@code ttft<=500ms, tpot<=50ms}, or {@code none}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (ttftMs != null) {
            parts.add("ttft<=" + num(ttftMs) + "ms");
        }
        if (tpotMs != null) {
            parts.add("tpot<=" + num(tpotMs) + "ms");
        }
        if (e2eMs != null) {
            parts.add("e2e<=" + num(e2eMs) + "ms");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
