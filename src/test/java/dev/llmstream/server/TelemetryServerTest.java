package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.api.ApiCodec;
import dev.llmstream.config.TelemetrySettings;
import dev.llmstream.engine.cpu.CpuEngine;
import dev.llmstream.telemetry.OtlpReceiver;
import dev.llmstream.telemetry.PromText;
import dev.llmstream.telemetry.Telemetry;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Telemetry end to end on the real server: spans as an OTLP receiver gets them over http/protobuf,
 * {@code /metrics} as Prometheus scrapes it, access-log lines as written. Its own engine (observers
 * cannot be removed from an engine, so the shared one stays clean).
 */
class TelemetryServerTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";
    /** Long enough (several 16-token blocks) for the prefix cache to serve a repeat. */
    private static final String LONG = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron"
            + " pi rho sigma tau upsilon phi chi psi omega one two three four five six seven eight nine ten";

    private static OtlpReceiver receiver;
    private static Telemetry telemetry;
    private static CpuEngine engine;
    private static LlmServer server;
    private static String model;
    private static final ConcurrentLinkedQueue<String> accessLines = new ConcurrentLinkedQueue<>();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        receiver = new OtlpReceiver();
        telemetry = Telemetry.create(TelemetrySettings.defaults().withTracing(TelemetrySettings.Tracing.AUTO)
                .withStepSpanInterval(1), receiver.otelProperties(), System.out, accessLines::add);
        assertThat(telemetry.tracingEnabled()).as("auto: on because an OTLP endpoint is configured").isTrue();
        engine = TestModel.start();
        model = engine.info().model();
        telemetry.attach(engine, model);
        server = LlmServer.start(TestServer.config().withPort(0), telemetry.observer(), telemetry::scrape);
        server.serve(engine, TestModel.text(), TestModel.file().toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
        if (engine != null) {
            engine.close();
        }
        if (telemetry != null) {
            telemetry.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(String content, int maxTokens, boolean stream) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}],\"max_tokens\":" + maxTokens
                + ",\"ignore_eos\":true,\"temperature\":0.5,\"top_p\":0.9,\"top_k\":40,\"seed\":7,\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}";
    }

    private static List<OtlpReceiver.Received> spansOf(String responseId, int count) throws InterruptedException {
        telemetry.flushTraces();
        return receiver.await(r -> responseId.equals(r.attr("gen_ai.response.id")), count, Duration.ofSeconds(20));
    }

    @Test
    void requestSpanIsAChildOfTraceparentWithSemconvAttributesAndConsistentTimings() throws Exception {
        String traceparent = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";
        HttpResponse<String> r = send("POST", "/v1/chat/completions", chat("Tell me a story", 9, false),
                "traceparent", traceparent, "X-Request-Id", "client-42");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = ApiCodec.tree(r.body());
        String id = body.path("id").asText();

        List<OtlpReceiver.Received> found = spansOf(id, 1);
        assertThat(found).hasSize(1);
        OtlpReceiver.Received s = found.getFirst();
        Span span = s.span();
        assertThat(span.getName()).isEqualTo("chat " + model);
        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo(TRACE_ID);
        assertThat(HexFormat.of().formatHex(span.getParentSpanId().toByteArray())).isEqualTo(PARENT_ID);
        assertThat(s.resourceAttr("service.name")).isEqualTo("llmstream");
        assertThat(s.attr("gen_ai.operation.name")).isEqualTo("chat");
        assertThat(s.attr("gen_ai.provider.name")).isEqualTo("llmstream");
        assertThat(s.attr("gen_ai.request.model")).isEqualTo(model);
        assertThat(s.attr("gen_ai.response.model")).isEqualTo(model);
        assertThat(s.longAttr("gen_ai.request.max_tokens")).isEqualTo(9L);
        assertThat(s.doubleAttr("gen_ai.request.temperature")).isEqualTo(0.5, within(1e-9));
        assertThat(s.doubleAttr("gen_ai.request.top_p")).isEqualTo(0.9, within(1e-9));
        assertThat(s.doubleAttr("gen_ai.request.top_k")).isEqualTo(40.0);
        assertThat(s.longAttr("gen_ai.request.seed")).isEqualTo(7L);
        assertThat(s.stringsAttr("gen_ai.response.finish_reasons")).containsExactly("length");
        assertThat(s.longAttr("gen_ai.usage.input_tokens")).isEqualTo(body.at("/usage/prompt_tokens").asLong());
        assertThat(s.longAttr("gen_ai.usage.output_tokens")).isEqualTo(9L);
        assertThat(s.stringsAttr("http.request.header.x-request-id")).containsExactly("client-42");
        assertThat(span.getStatus().getCode()).isNotEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);

        // timings: the span's attributes, events and the response's metrics object tell one story
        double ttft = s.doubleAttr("llmstream.request.time_to_first_token");
        double tpot = s.doubleAttr("llmstream.request.time_per_output_token");
        double decode = s.doubleAttr("llmstream.request.decode_time");
        double queue = s.doubleAttr("llmstream.request.queue_time");
        double prefill = s.doubleAttr("llmstream.request.prefill_time");
        double duration = (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e9;
        assertThat(ttft).isPositive().isLessThanOrEqualTo(duration);
        assertThat(queue + prefill).isCloseTo(ttft, within(2e-6));
        assertThat(tpot * 8).as("TPOT x (n-1) = first-to-last token").isCloseTo(decode, within(2e-6));
        JsonNode metrics = body.path("metrics");
        assertThat(ttft * 1000).isCloseTo(metrics.path("ttft_ms").asDouble(), within(0.002));
        assertThat(tpot * 1000).isCloseTo(metrics.path("tpot_ms").asDouble(), within(0.002));
        var events = s.events();
        assertThat(events).containsKeys("llmstream.queued", "llmstream.scheduled", "llmstream.first_token",
                "llmstream.finished");
        long start = span.getStartTimeUnixNano();
        assertThat((events.get("llmstream.first_token") - start) / 1e9).isCloseTo(ttft, within(2e-6));
        assertThat((events.get("llmstream.scheduled") - start) / 1e9).isCloseTo(queue, within(2e-6));
        assertThat(events.get("llmstream.finished")).isLessThanOrEqualTo(span.getEndTimeUnixNano());

        // the engine steps that served it: sampled step spans linking to this span
        telemetry.flushTraces();
        List<OtlpReceiver.Received> steps = receiver.await(st -> st.span().getName().equals("llmstream.engine.step")
                && st.span().getLinksList().stream().anyMatch(l -> l.getSpanId().equals(span.getSpanId())), 1,
                Duration.ofSeconds(20));
        assertThat(steps).isNotEmpty();
        OtlpReceiver.Received step = steps.getFirst();
        assertThat(step.longAttr("llmstream.engine.step.batch_size")).isPositive();
        assertThat(step.attr("llmstream.engine.step.kind")).isIn("prefill", "decode", "mixed");
        assertThat(step.span().getParentSpanId().isEmpty()).isTrue();
        assertThat(receiver.contentTypes()).allMatch(t -> t.startsWith("application/x-protobuf"));

        // the access log: one JSON line with ids, counts and timings, no prompt text
        JsonNode line = accessLines.stream().map(ApiCodec::tree).filter(l -> l.path("request_id").asText().equals(id))
                .findFirst().orElseThrow();
        assertThat(line.path("client_request_id").asText()).isEqualTo("client-42");
        assertThat(line.path("trace_id").asText()).isEqualTo(TRACE_ID);
        assertThat(line.path("outcome").asText()).isEqualTo("success");
        assertThat(line.path("completion_tokens").asInt()).isEqualTo(9);
        assertThat(line.path("ttft_ms").asDouble()).isCloseTo(metrics.path("ttft_ms").asDouble(), within(0.002));
        assertThat(line.toString()).doesNotContain("Tell me a story");
    }

    @Test
    void aRepeatedPromptReportsCachedTokensAndAStreamedCompletionIsTraced() throws Exception {
        String first = ApiCodec.tree(send("POST", "/v1/chat/completions", chat(LONG, 3, false), new String[0]).body())
                .path("id").asText();
        HttpResponse<String> again = send("POST", "/v1/chat/completions", chat(LONG, 3, true));
        List<JsonNode> data = ServerSseTest.dataEvents(ServerSseTest.events(again.body()));
        String second = data.getFirst().path("id").asText();
        int cached = data.getLast().at("/usage/prompt_tokens_details/cached_tokens").asInt();
        assertThat(cached).as("the repeat is served from the prefix cache").isPositive();

        OtlpReceiver.Received s1 = spansOf(first, 1).getFirst();
        OtlpReceiver.Received s2 = spansOf(second, 1).getFirst();
        assertThat(s1.longAttr("gen_ai.usage.cache_read.input_tokens")).isZero();
        assertThat(s2.longAttr("gen_ai.usage.cache_read.input_tokens")).isEqualTo((long) cached);
        assertThat(s2.doubleAttr("llmstream.request.kv_cache_hit_ratio")).isPositive();
        assertThat(s2.span().getParentSpanId().isEmpty()).as("no traceparent: a root span").isTrue();

        String completion = ApiCodec.tree(send("POST", "/v1/completions",
                "{\"prompt\":\"Once upon\",\"max_tokens\":2,\"ignore_eos\":true}").body()).path("id").asText();
        assertThat(spansOf(completion, 1).getFirst().span().getName()).isEqualTo("text_completion " + model);
    }

    @Test
    void rejectedRequestsAreSpansWithErrorTypeAndCountedAsErrors() throws Exception {
        PromText before = PromText.parse(send("GET", "/metrics", null).body());
        HttpResponse<String> bad = send("POST", "/v1/chat/completions", "{\"messages\":[],\"max_tokens\":2}");
        assertThat(bad.statusCode()).isEqualTo(400);
        telemetry.flushTraces();
        List<OtlpReceiver.Received> spans = receiver.await(r -> "invalid_request_error".equals(r.attr("error.type"))
                && r.span().getName().equals("chat"),
                1, Duration.ofSeconds(20));
        assertThat(spans).isNotEmpty();
        assertThat(spans.getFirst().span().getName()).isEqualTo("chat");
        assertThat(spans.getFirst().longAttr("http.response.status_code")).isEqualTo(400L);
        assertThat(spans.getFirst().span().getStatus().getCode())
                .as("4xx leaves a SERVER span's status unset (HTTP semconv)")
                .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET);
        PromText after = PromText.parse(send("GET", "/metrics", null).body());
        assertThat(after.sum("llmstream_request_errors_total", "error_type", "invalid_request_error")
                - before.sum("llmstream_request_errors_total", "error_type", "invalid_request_error")).isEqualTo(1);
        assertThat(after.sum("llmstream_requests_total", "outcome", "rejected")
                - before.sum("llmstream_requests_total", "outcome", "rejected")).isEqualTo(1);
    }

    @Test
    void metricsCountEveryRequestAndServeTheGatewayAliases() throws Exception {
        PromText before = PromText.parse(send("GET", "/metrics", null).body());
        int requests = 4;
        int outputTokens = 5;
        for (int i = 0; i < requests; i++) {
            assertThat(send("POST", "/v1/chat/completions", chat("count me " + i, outputTokens, i % 2 == 0)).statusCode())
                    .isEqualTo(200);
        }
        // one refused completion, so that the (lazily created) error counters exist for the file check below
        assertThat(send("POST", "/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":0}").statusCode()).isEqualTo(400);
        HttpResponse<String> scrape = send("GET", "/metrics", null);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
        PromText after = PromText.parse(scrape.body());

        for (String h : List.of("gen_ai_server_time_to_first_token_seconds", "gen_ai_server_time_per_output_token_seconds",
                "gen_ai_server_request_duration_seconds", "llmstream_request_queue_time_seconds",
                "llmstream_request_prefill_time_seconds", "llmstream_request_decode_time_seconds")) {
            assertThat(after.sum(h + "_count", "gen_ai_operation_name", "chat")
                    - before.sum(h + "_count", "gen_ai_operation_name", "chat")).as(h).isEqualTo(requests);
        }
        assertThat(after.labelValues("gen_ai_server_time_to_first_token_seconds_bucket", "le"))
                .containsSequence("0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "0.75",
                        "1.0", "2.5", "5.0", "7.5", "10.0", "+Inf");
        assertThat(after.labelValues("gen_ai_server_time_per_output_token_seconds_bucket", "le")).startsWith("0.01", "0.025");
        assertThat(after.labelValues("gen_ai_server_request_duration_seconds_bucket", "le")).contains("81.92");
        // per-token ITL: (n - 1) samples per request, adding up to the decode time
        double itlCount = after.sum("llmstream_inter_token_latency_seconds_count") - before.sum("llmstream_inter_token_latency_seconds_count");
        assertThat(itlCount).isEqualTo(requests * (outputTokens - 1));
        double itlSum = after.sum("llmstream_inter_token_latency_seconds_sum") - before.sum("llmstream_inter_token_latency_seconds_sum");
        double decodeSum = after.sum("llmstream_request_decode_time_seconds_sum") - before.sum("llmstream_request_decode_time_seconds_sum");
        assertThat(itlSum).isCloseTo(decodeSum, within(1e-4));
        assertThat(after.sum("llmstream_requests_total", "outcome", "success")
                - before.sum("llmstream_requests_total", "outcome", "success")).isEqualTo(requests);
        assertThat(after.sum("llmstream_finish_reasons_total", "finish_reason", "length")
                - before.sum("llmstream_finish_reasons_total", "finish_reason", "length")).isEqualTo(requests);
        assertThat(after.sum("llmstream_engine_generation_tokens_total")
                - before.sum("llmstream_engine_generation_tokens_total")).isGreaterThanOrEqualTo(requests * outputTokens);
        assertThat(after.sum("llmstream_engine_prefix_cache_queries_total")).isPositive();

        // what the Kubernetes inference gateway reads, under vLLM's exact names
        assertThat(after.value("vllm:num_requests_waiting", "model_name", model)).isZero();
        assertThat(after.value("vllm:num_requests_running", "model_name", model)).isBetween(0.0, 8.0);
        assertThat(after.value("vllm:kv_cache_usage_perc", "model_name", model)).isBetween(0.0, 1.0);
        assertThat(after.value("vllm:cache_config_info", "block_size", "16")).isEqualTo(1.0);
        assertThat(after.labelValues("vllm:cache_config_info", "num_gpu_blocks"))
                .containsExactly(Integer.toString(engine.info().kvBlocks()));
        assertThat(scrape.body()).contains("# TYPE vllm:num_requests_waiting gauge");
        // JVM, process and Netty meters are on
        assertThat(after.names()).contains("jvm_memory_used_bytes", "process_cpu_usage", "jvm_gc_live_data_size_bytes")
                .anyMatch(n -> n.startsWith("netty_allocator"));
        assertThat(after.names()).noneMatch(n -> n.startsWith("jvm_threads_states"));

        // what one scrape costs (reported, not asserted: the gateway scrapes every 50 ms)
        int n = 200;
        long t0 = System.nanoTime();
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            sink.reset();
            telemetry.scrape(null, sink);
        }
        System.out.printf("scrape: %.0f us mean over %d, %d bytes, %d series%n", (System.nanoTime() - t0) / 1e3 / n, n,
                sink.size(), after.samples().size());

        // every series the shipped dashboard and alert rules query exists (no typo can hide a panel)
        java.util.Set<String> families = new java.util.HashSet<>(after.names());
        java.util.regex.Matcher declared = java.util.regex.Pattern.compile("(?m)^# TYPE (\\S+)").matcher(scrape.body());
        while (declared.find()) {
            families.add(declared.group(1));
        }
        for (String file : List.of("config/observability/alerts.yml", "config/observability/grafana/dashboards/llmstream.json")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b((?:gen_ai_server|llmstream|vllm:)[a-z_:]+)")
                    .matcher(java.nio.file.Files.readString(java.nio.file.Path.of(file)));
            while (m.find()) {
                String name = m.group(1);
                String base = name.replaceAll("_(bucket|count|sum|total)$", "");
                assertThat(families.contains(name) || families.contains(base) || families.contains(base + "_total"))
                        .as(file + " queries " + name).isTrue();
            }
        }

        HttpResponse<String> om = send("GET", "/metrics", null, "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(om.headers().firstValue("content-type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(om.body()).contains("# TYPE vllm:cache_config info").endsWith("# EOF\n");
    }
}
