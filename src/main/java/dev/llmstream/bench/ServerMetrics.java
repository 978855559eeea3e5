package dev.llmstream.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scrapes a server's Prometheus endpoint before and after a run and reports what changed, so client-side
 * TTFT/ITL can be set beside the server's own view (vLLM's bench and AIPerf do the same).
 *
 * <p>Only series of known serving stacks are kept (prefixes {@code vllm:}, {@code llamacpp:},
 * {@code sglang:}, {@code trtllm_}, {@code tgi_}, {@code gen_ai_}, {@code llmstream_}), summed over
 * label sets: counters ({@code *_total}) as deltas, histograms in seconds ({@code *_seconds_sum} /
 * {@code *_seconds_count}) as the delta count and the mean of the new observations. Derived: prefix-cache
 * hit rate (Δ{@code prefix_cache_hits} ÷ Δ{@code prefix_cache_queries}, vLLM's token-based counters) and
 * speculative-decoding acceptance (Δ{@code spec_decode_num_accepted_tokens} ÷
 * Δ{@code spec_decode_num_draft_tokens}, vLLM and llama.cpp). A scrape that fails is reported, not thrown.
 */
public final class ServerMetrics {
    private static final List<String> KNOWN_PREFIXES =
            List.of("vllm:", "llamacpp:", "sglang:", "trtllm_", "tgi_", "gen_ai_", "llmstream_");

    /** Changes over the run. */
    public record Delta(String url, Map<String, Double> counters, Map<String, HistogramDelta> histograms,
                        Map<String, Double> derived, String error) {
        static Delta failed(URI url, String error) {
            return new Delta(url.toString(), Map.of(), Map.of(), Map.of(), error);
        }
    }

    /** New observations of a histogram and their mean in milliseconds. */
    public record HistogramDelta(double count, double meanMs) {
    }

    private ServerMetrics() {
    }

    /** Fetches and parses {@code url}; throws on any failure (the caller records it). */
    static Map<String, Double> scrape(HttpClient http, URI url, Duration timeout, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(timeout).GET();
        headers.forEach(rb::header);
        HttpResponse<String> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (resp.statusCode() != 200) {
            throw new IOException("GET " + url + " answered HTTP " + resp.statusCode());
        }
        return parse(resp.body());
    }

    /**
     * Sums of the known series in a Prometheus text exposition, keyed by metric name (labels dropped).
     * Comment lines, unknown series and unparsable lines are skipped.
     */
    public static Map<String, Double> parse(String exposition) {
        Map<String, Double> sums = new TreeMap<>();
        for (String raw : exposition.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = 0;
            while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && !Character.isWhitespace(line.charAt(nameEnd))) {
                nameEnd++;
            }
            String name = line.substring(0, nameEnd);
            if (!known(name)) {
                continue;
            }
            int rest = nameEnd;
            if (rest < line.length() && line.charAt(rest) == '{') {
                rest = closingBrace(line, rest);
                if (rest < 0) {
                    continue;
                }
                rest++;
            }
            String[] fields = line.substring(rest).strip().split("\\s+");
            if (fields.length == 0 || fields[0].isEmpty()) {
                continue;
            }
            double v = value(fields[0]);
            if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                sums.merge(name, v, Double::sum);
            }
        }
        return sums;
    }

    private static boolean known(String name) {
        for (String p : KNOWN_PREFIXES) {
            if (name.startsWith(p)) {
                return name.endsWith("_total") || name.endsWith("_seconds_sum") || name.endsWith("_seconds_count");
            }
        }
        return false;
    }

    /** Index of the brace closing the label set opened at {@code open}, honouring quoted values; -1 if none. */
    private static int closingBrace(String line, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static double value(String s) {
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    yield Double.NaN;
                }
            }
        };
    }

    /** What changed between two scrapes; zero deltas are left out. */
    public static Delta delta(URI url, Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> counters = new TreeMap<>();
        Map<String, HistogramDelta> histograms = new TreeMap<>();
        for (Map.Entry<String, Double> e : after.entrySet()) {
            String name = e.getKey();
            double d = e.getValue() - before.getOrDefault(name, 0.0);
            if (name.endsWith("_total") && d != 0) {
                counters.put(name, d);
            } else if (name.endsWith("_seconds_count") && d > 0) {
                String base = name.substring(0, name.length() - "_count".length());
                double sum = after.getOrDefault(base + "_sum", 0.0) - before.getOrDefault(base + "_sum", 0.0);
                histograms.put(base, new HistogramDelta(d, sum / d * 1000));
            }
        }
        Map<String, Double> derived = new TreeMap<>();
        ratio(counters, "prefix_cache_hits_total", "prefix_cache_queries_total", "prefix_cache_hit_rate", derived);
        ratio(counters, "spec_decode_num_accepted_tokens_total", "spec_decode_num_draft_tokens_total",
                "spec_decode_acceptance_rate", derived);
        return new Delta(url.toString(), counters, histograms, derived, null);
    }

    private static void ratio(Map<String, Double> counters, String numSuffix, String denSuffix, String name,
                              Map<String, Double> derived) {
        for (Map.Entry<String, Double> e : counters.entrySet()) {
            if (e.getKey().endsWith(denSuffix) && e.getValue() > 0) {
                String prefix = e.getKey().substring(0, e.getKey().length() - denSuffix.length());
                Double num = counters.get(prefix + numSuffix);
                derived.put(prefix + name, num == null ? 0.0 : num / e.getValue());
            }
        }
    }
}
