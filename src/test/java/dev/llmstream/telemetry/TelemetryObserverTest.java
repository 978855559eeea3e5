package dev.llmstream.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.api.ApiCodec;
import dev.llmstream.api.Endpoint;
import dev.llmstream.api.GenerationRequest;
import dev.llmstream.api.RequestParser;
import dev.llmstream.api.ResponseMetrics;
import dev.llmstream.api.Usage;
import dev.llmstream.config.TelemetrySettings;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.frontend.RequestInfo;
import dev.llmstream.frontend.RequestObserver;
import dev.llmstream.frontend.StreamSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The request observer without a server: synthetic lifecycles in, what each sink received out —
 * logging-otlp JSON lines, Prometheus samples, access-log lines — plus the tracing on/off decision.
 */
class TelemetryObserverTest {
    private static final String SECRET = "my secret prompt";
    private final List<String> access = new CopyOnWriteArrayList<>();

    private static RequestInfo info(String id, Map<String, String> trace) {
        GenerationRequest req = RequestParser.chat(ApiCodec.tree("{\"messages\":[{\"role\":\"user\",\"content\":\""
                + SECRET + "\"}],\"max_tokens\":4,\"temperature\":0}"));
        return new RequestInfo(id, Endpoint.CHAT, "tiny", false, 1, 4, System.nanoTime() - 50_000_000L, trace,
                null, req);
    }

    /** A finished request: arrival 50 ms ago, scheduled +10 ms, first token +20 ms, 4 tokens 5 ms apart. */
    private static StreamSummary summary(RequestInfo info) {
        long a = info.arrivalNanos();
        RequestMetrics m = new RequestMetrics(a, a + 10_000_000L, a + 20_000_000L, a + 35_000_000L, a + 35_000_000L,
                40, 32, 4, 0, 0, 0);
        return new StreamSummary(Usage.of(40, 4, 32), new ResponseMetrics(10, 20, 5, 10, 15, 35, 40, 32, 4, 0, 0, 0),
                List.of(new StreamSummary.Choice(0, FinishReason.LENGTH, 4, m)));
    }

    private static void run(RequestObserver o, RequestInfo info) {
        o.onArrival(info);
        o.onAdmitted(info, 40);
        o.onFirstToken(info, info.arrivalNanos() + 21_000_000L);
        for (int i = 0; i < 3; i++) {
            o.onTokens(info, 1, 5_000_000L);
        }
        o.onFinish(info, summary(info));
    }

    private static PromText scrape(Telemetry t) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(t.scrape(null, out)).startsWith("text/plain");
        return PromText.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void loggingOtlpWritesOneOtlpJsonLinePerBatchToTheGivenStream() throws Exception {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        try (Telemetry t = Telemetry.create(TelemetrySettings.defaults().withAccessLog(false, false),
                key -> null, Map.of("otel.traces.exporter", "logging-otlp", "otel.bsp.schedule.delay", "10"),
                new PrintStream(lines, true, StandardCharsets.UTF_8), access::add)) {
            assertThat(t.tracingEnabled()).isTrue();
            RequestInfo info = info("chatcmpl-json1", Map.of("traceparent",
                    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
            run(t.observer(), info);
            t.flushTraces();
        }
        String[] out = lines.toString(StandardCharsets.UTF_8).strip().split("\n");
        JsonNode batch = ApiCodec.tree(out[0]); // one OTLP JSON ResourceSpans object per line
        JsonNode span = batch.at("/scopeSpans/0/spans/0");
        assertThat(span.path("name").asText()).isEqualTo("chat tiny");
        assertThat(span.path("traceId").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(span.path("parentSpanId").asText()).isEqualTo("b7ad6b7169203331");
        assertThat(span.path("kind").asInt()).as("SERVER").isEqualTo(2);
        assertThat(batch.at("/resource/attributes").toString()).contains("{\"key\":\"service.name\",\"value\":{\"stringValue\":\"llmstream\"}}");
        assertThat(span.path("attributes").toString()).contains("gen_ai.usage.cache_read.input_tokens")
                .doesNotContain(SECRET);
        assertThat(access).isEmpty();
    }

    @Test
    void tracingIsOffUnlessAnExporterOrEndpointIsConfigured() {
        assertThat(enabled(TelemetrySettings.Tracing.AUTO, Map.of())).isFalse();
        assertThat(enabled(TelemetrySettings.Tracing.AUTO, Map.of("otel.traces.exporter", "none"))).isFalse();
        assertThat(enabled(TelemetrySettings.Tracing.AUTO, Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:1")))
                .isTrue();
        assertThat(enabled(TelemetrySettings.Tracing.OFF, Map.of("otel.traces.exporter", "otlp"))).isFalse();
        assertThat(enabled(TelemetrySettings.Tracing.AUTO, Map.of("otel.traces.exporter", "otlp",
                "otel.sdk.disabled", "true"))).isFalse();
        // a bad value turns tracing off instead of stopping the server
        try (Telemetry t = Telemetry.create(TelemetrySettings.defaults().withTracing(TelemetrySettings.Tracing.ON),
                key -> null, Map.of("otel.traces.exporter", "no-such-exporter"), System.out, access::add)) {
            assertThat(t.tracingEnabled()).isFalse();
        }
    }

    /** {@code otel} stands for the environment here (what decides "configured"; the SDK itself is not built from it). */
    private boolean enabled(TelemetrySettings.Tracing mode, Map<String, String> otel) {
        try (Telemetry t = Telemetry.create(TelemetrySettings.defaults().withTracing(mode), otel::get, Map.of(),
                System.out, access::add)) {
            return t.tracingEnabled();
        }
    }

    @Test
    void metricsAndAccessLogOfSuccessesFailuresAndCancellations() throws Exception {
        try (Telemetry t = Telemetry.create(TelemetrySettings.defaults().withTracing(TelemetrySettings.Tracing.OFF),
                key -> null, Map.of(), System.out, access::add)) {
            RequestObserver o = t.observer();
            run(o, info("chatcmpl-ok", Map.of()));
            RequestInfo gone = info("chatcmpl-gone", Map.of());
            o.onArrival(gone);
            o.onAdmitted(gone, 40);
            o.onError(gone, "client_closed", "the client went away");
            RequestInfo busy = info("chatcmpl-busy", Map.of());
            o.onArrival(busy);
            o.onRejected(busy, 429, "rate_limit_exceeded");

            PromText p = scrape(t);
            assertThat(p.sum("gen_ai_server_time_to_first_token_seconds_count")).isEqualTo(1);
            assertThat(p.sum("gen_ai_server_time_to_first_token_seconds_sum")).isCloseTo(0.020, within(1e-9));
            assertThat(p.sum("gen_ai_server_time_per_output_token_seconds_sum")).isCloseTo(0.005, within(1e-9));
            assertThat(p.sum("llmstream_inter_token_latency_seconds_count")).isEqualTo(3);
            assertThat(p.sum("llmstream_inter_token_latency_seconds_sum")).isCloseTo(0.015, within(1e-9));
            assertThat(p.sum("gen_ai_server_request_duration_seconds_count")).as("failures too, with error.type")
                    .isEqualTo(3);
            assertThat(p.sum("gen_ai_server_request_duration_seconds_count", "error_type", "client_closed")).isEqualTo(1);
            assertThat(p.sum("llmstream_requests_total", "outcome", "success")).isEqualTo(1);
            assertThat(p.sum("llmstream_requests_total", "outcome", "cancelled")).isEqualTo(1);
            assertThat(p.sum("llmstream_requests_total", "outcome", "rejected")).isEqualTo(1);
            assertThat(p.sum("llmstream_request_errors_total", "error_type", "rate_limit_exceeded")).isEqualTo(1);
            assertThat(p.sum("llmstream_server_active_requests")).isZero();
            assertThat(p.sum("llmstream_request_prompt_tokens_sum")).isEqualTo(40);

            assertThat(access).hasSize(3);
            JsonNode ok = ApiCodec.tree(access.get(0));
            assertThat(ok.path("request_id").asText()).isEqualTo("chatcmpl-ok");
            assertThat(ok.path("status").asInt()).isEqualTo(200);
            assertThat(ok.path("cached_prompt_tokens").asInt()).isEqualTo(32);
            assertThat(ok.path("ttft_ms").asDouble()).isEqualTo(20.0);
            assertThat(ok.path("tpot_ms").asDouble()).isEqualTo(5.0);
            assertThat(ok.has("trace_id")).isFalse();
            JsonNode cancelled = ApiCodec.tree(access.get(1));
            assertThat(cancelled.path("outcome").asText()).isEqualTo("cancelled");
            assertThat(cancelled.path("error_type").asText()).isEqualTo("client_closed");
            assertThat(ApiCodec.tree(access.get(2)).path("status").asInt()).isEqualTo(429);
            assertThat(access).noneMatch(l -> l.contains(SECRET));
        }
    }

    @Test
    void promptsAreLoggedOnlyWhenEnabled() {
        try (Telemetry t = Telemetry.create(TelemetrySettings.defaults().withTracing(TelemetrySettings.Tracing.OFF)
                .withAccessLog(true, true), key -> null, Map.of(), System.out, access::add)) {
            run(t.observer(), info("chatcmpl-p", Map.of()));
        }
        assertThat(ApiCodec.tree(access.getFirst()).at("/messages/0/content").asText()).isEqualTo(SECRET);
    }
}
