package dev.llmstream.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmstream.bench.BenchConfig;
import dev.llmstream.bench.BenchReport;
import dev.llmstream.bench.Distribution;
import dev.llmstream.bench.LoadShape;
import dev.llmstream.bench.RequestRecord;
import dev.llmstream.bench.ServerMetrics;
import dev.llmstream.bench.Summary;
import dev.llmstream.bench.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --json-out} file. Schema {@value #SCHEMA} (documented field by field in docs/bench.md); a
 * sweep is {@value #SWEEP_SCHEMA}: {@code {"schema", "sweep": {"parameter", "values"}, "runs": [report...]}}.
 * Field names are snake_case; times are milliseconds rounded to microseconds; a value that does not exist
 * (TPOT of a one-token request, percentiles of nothing) is {@code null}, never NaN. New fields may be added;
 * existing ones keep their name and meaning.
 *
 * <p>The {@code vllm} object repeats the aggregates under the keys {@code vllm bench serve --save-result}
 * writes ({@code request_throughput}, {@code mean_ttft_ms}, {@code p99_itl_ms}, ...) so plotting scripts
 * written for vLLM read our files unchanged.
 */
public final class ReportJson {
    public static final String SCHEMA = "llmstream-bench/1";
    public static final String SWEEP_SCHEMA = "llmstream-bench-sweep/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<String, String> VLLM_METRICS = Map.of("ttft", "ttft_ms", "tpot", "tpot_ms",
            "itl", "itl_ms", "e2el", "e2e_ms");

    private ReportJson() {
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    /** Writes one report, or a sweep when {@code sweep} is not null. */
    public static void write(Path file, List<BenchReport> reports, SweepSpec sweep) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), sweep == null ? toJson(reports.getFirst()) : sweepJson(reports, sweep));
    }

    public static ObjectNode sweepJson(List<BenchReport> reports, SweepSpec sweep) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SWEEP_SCHEMA);
        ObjectNode s = root.putObject("sweep");
        s.put("parameter", sweep.parameter());
        ArrayNode values = s.putArray("values");
        sweep.values().forEach(values::add);
        ArrayNode runs = root.putArray("runs");
        reports.forEach(r -> runs.add(toJson(r)));
        return root;
    }

    public static ObjectNode toJson(BenchReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("label", r.label());
        root.put("started_at", r.startedAt().toString());
        BenchConfig c = r.config();
        ObjectNode target = root.putObject("target");
        target.put("url", r.endpointUrl());
        target.put("endpoint", c.endpoint().name().toLowerCase(Locale.ROOT));
        target.put("model", r.model());
        target.put("model_source", r.modelSource());
        root.set("load", load(c.load()));
        ObjectNode config = root.putObject("config");
        config.put("requests", c.requests());
        num(config, "duration_s", c.duration() == null ? Double.NaN : c.duration().toNanos() / 1e9);
        config.put("warmup", c.warmup());
        num(config, "ramp_up_s", c.rampUp().toNanos() / 1e9);
        num(config, "temperature", c.temperature());
        config.put("ignore_eos", c.ignoreEos());
        num(config, "timeout_s", c.timeout().toNanos() / 1e9);
        config.put("seed", c.seed());
        config.put("slo", c.slo().isEmpty() ? null : c.slo().describe());
        config.set("extra_body", parseOrNull(c.extraBody()));
        ObjectNode workload = root.putObject("workload");
        workload.put("description", r.workload());
        workload.put("kind", c.workload().kind().cliName());
        workload.put("prompts", r.workloadPrompts());
        workload.put("input_len", c.workload().inputLen().toString());
        workload.put("output_len", c.workload().outputLen().toString());
        workload.put("token_counting", r.tokenCounting());
        workload.put("token_counting_exact", r.tokenCountingExact());
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        root.set("summary", summary(r.summary()));
        root.set("vllm", vllm(r.summary()));
        root.set("server_metrics", r.serverMetrics() == null ? null : JSON.valueToTree(serverMetrics(r.serverMetrics())));
        ArrayNode requests = root.putArray("requests");
        r.requests().forEach(q -> requests.add(request(q)));
        return root;
    }

    private static ObjectNode load(LoadShape shape) {
        ObjectNode o = JSON.createObjectNode();
        switch (shape) {
            case LoadShape.Closed c -> {
                o.put("mode", "closed");
                o.put("concurrency", c.concurrency());
            }
            case LoadShape.Open open -> {
                o.put("mode", "open");
                num(o, "rate", open.rate());
                o.put("arrival", open.arrival().name().toLowerCase(Locale.ROOT));
                num(o, "burstiness", open.burstiness());
                o.put("max_concurrency", open.maxConcurrency());
            }
        }
        o.put("description", shape.describe());
        return o;
    }

    static ObjectNode summary(Summary s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("completed", s.completed());
        o.put("failed", s.failed());
        o.put("warmup_requests", s.warmup());
        num(o, "duration_s", s.durationS());
        num(o, "request_s", s.requestS());
        num(o, "output_tok_s", s.outputTokS());
        num(o, "total_tok_s", s.totalTokS());
        o.put("input_tokens", s.inputTokens());
        o.put("output_tokens", s.outputTokens());
        if (s.cachedTokens() >= 0) {
            o.put("cached_tokens", s.cachedTokens());
        } else {
            o.putNull("cached_tokens");
        }
        o.put("output_tokens_source", s.outputTokensSource());
        num(o, "peak_output_tok_s", s.peakOutputTokS());
        o.put("peak_concurrency", s.peakConcurrency());
        num(o, "output_tok_s_per_user", s.meanOutputTokSPerUser());
        o.set("ttft_ms", distribution(s.ttft()));
        o.set("tpot_ms", distribution(s.tpot()));
        o.set("itl_ms", distribution(s.itl()));
        o.set("e2e_ms", distribution(s.e2e()));
        o.set("tpot_incl_first_ms", distribution(s.tpotInclFirst()));
        o.set("queue_ms", distribution(s.queue()));
        ObjectNode errors = o.putObject("errors");
        s.errors().forEach(errors::put);
        if (s.goodput() == null) {
            o.putNull("goodput");
        } else {
            ObjectNode g = o.putObject("goodput");
            g.put("slo", s.goodput().slo());
            g.put("met", s.goodput().met());
            num(g, "request_s", s.goodput().requestS());
            num(g, "fraction", s.goodput().fractionOfCompleted());
        }
        if (s.prefixCache() == null) {
            o.putNull("prefix_cache");
        } else {
            ObjectNode p = o.putObject("prefix_cache");
            p.put("groups", s.prefixCache().groups());
            p.set("cold_ttft_ms", distribution(s.prefixCache().coldTtft()));
            p.set("warm_ttft_ms", distribution(s.prefixCache().warmTtft()));
            num(p, "warm_to_cold_p50", s.prefixCache().warmToColdP50());
        }
        return o;
    }

    static ObjectNode distribution(Distribution d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("count", d.count());
        for (String stat : new String[] {"mean", "p50", "p90", "p95", "p99", "max", "min", "std"}) {
            num(o, stat, d.get(stat));
        }
        return o;
    }

    private static ObjectNode vllm(Summary s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("completed", s.completed());
        o.put("failed", s.failed());
        num(o, "duration", s.durationS());
        o.put("total_input_tokens", s.inputTokens());
        o.put("total_output_tokens", s.outputTokens());
        num(o, "request_throughput", s.requestS());
        num(o, "output_throughput", s.outputTokS());
        num(o, "total_token_throughput", s.totalTokS());
        num(o, "max_output_tokens_per_s", s.peakOutputTokS());
        o.put("max_concurrent_requests", s.peakConcurrency());
        if (s.goodput() != null) {
            num(o, "request_goodput", s.goodput().requestS());
        }
        ObjectNode ours = summary(s);
        for (String m : List.of("ttft", "tpot", "itl", "e2el")) {
            JsonNode d = ours.get(VLLM_METRICS.get(m));
            o.set("mean_" + m + "_ms", d.get("mean"));
            o.set("median_" + m + "_ms", d.get("p50"));
            o.set("std_" + m + "_ms", d.get("std"));
            for (String p : List.of("p90", "p95", "p99")) {
                o.set(p + "_" + m + "_ms", d.get(p));
            }
        }
        return o;
    }

    private static Map<String, Object> serverMetrics(ServerMetrics.Delta d) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("url", d.url());
        m.put("error", d.error());
        m.put("counters", d.counters());
        java.util.LinkedHashMap<String, Object> h = new java.util.LinkedHashMap<>();
        d.histograms().forEach((k, v) -> h.put(k, Map.of("count", v.count(), "mean_ms", round(v.meanMs()))));
        m.put("histograms", h);
        m.put("derived", d.derived());
        return m;
    }

    static ObjectNode request(RequestRecord q) {
        ObjectNode o = JSON.createObjectNode();
        o.put("index", q.index());
        o.put("request_id", q.requestId());
        o.put("prompt_id", q.promptId());
        o.put("group", q.group());
        o.put("ok", q.ok());
        o.put("error", q.errorKey());
        o.put("error_detail", q.errorDetail());
        o.put("http_status", q.httpStatus());
        ms(o, "scheduled_ms", q.scheduledNanos());
        ms(o, "sent_ms", q.sentNanos());
        ms(o, "queue_ms", q.queueNanos());
        ms(o, "ttft_ms", q.ttftNanos() < 0 ? Double.NaN : q.ttftNanos());
        ms(o, "tpot_ms", q.tpotNanos());
        ms(o, "e2e_ms", q.e2eNanos() < 0 ? Double.NaN : q.e2eNanos());
        o.put("input_tokens", q.inputTokens());
        o.put("input_tokens_source", q.inputTokensSource());
        o.put("output_tokens", q.outputTokens());
        o.put("output_tokens_source", q.outputTokensSource());
        if (q.cachedTokens() >= 0) {
            o.put("cached_tokens", q.cachedTokens());
        } else {
            o.putNull("cached_tokens");
        }
        o.put("max_tokens", q.maxTokens());
        o.put("finish_reason", q.finishReason());
        o.put("events", q.events());
        ArrayNode chunks = o.putArray("chunk_ms");
        for (long t : q.chunkNanos()) {
            chunks.add(round(t / 1e6));
        }
        ms(o, "end_ms", q.endNanos() < 0 ? Double.NaN : q.endNanos());
        if (q.text() != null) {
            o.put("text", q.text());
        }
        return o;
    }

    private static void ms(ObjectNode o, String key, double nanos) {
        num(o, key, nanos / 1e6);
    }

    /** A finite number rounded to three decimals (microseconds for ms values), or null. */
    static void num(ObjectNode o, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(key);
        } else {
            o.put(key, round(v));
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    private static JsonNode parseOrNull(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads a report or sweep file (for {@code --compare}). */
    public static JsonNode read(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        String schema = n.path("schema").asText("");
        if (!schema.equals(SCHEMA) && !schema.equals(SWEEP_SCHEMA)) {
            throw new IOException(file + " is not an llmstream bench report (schema '" + schema + "')");
        }
        return n;
    }
}
