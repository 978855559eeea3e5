package dev.llmstream.telemetry;

import java.util.List;

/**
 * Every meter, span, event and attribute name llmstream exports, in one place (docs/observability.md
 * explains each one).
 *
 * <p>Standard names follow the OpenTelemetry semantic conventions <b>v1.43.0</b> ({@value #SEMCONV_VERSION}):
 * the GenAI conventions there are status "Development", so they may still change; the version is pinned
 * here and a test checks these strings against the {@code opentelemetry-semconv-incubating} constants of
 * that version. Names of our own use one scheme: the {@code llmstream.} namespace, the same dotted name
 * for a span attribute and for the histogram of the same quantity (durations in seconds, as semconv
 * does). Micrometer's Prometheus naming turns dots into underscores and adds {@code _seconds} /
 * {@code _total}, e.g. {@code llmstream.request.queue_time} → {@code llmstream_request_queue_time_seconds}.
 * The vLLM-named gauges are written verbatim ({@code vllm:...}) because the Kubernetes inference
 * gateway reads exactly those.
 *
 * <p>Tags are low-cardinality only: operation (endpoint), model, engine, finish reason, outcome,
 * error type, step kind. Never a request id, never prompt text (those go on spans and the access log).
 */
public final class TelemetryNames {
    private TelemetryNames() {}

    /** The semantic-conventions release these names follow. */
    public static final String SEMCONV_VERSION = "1.43.0";
    /** {@code gen_ai.provider.name}: semconv asks servers that are not a listed provider for their own value. */
    public static final String PROVIDER = "llmstream";
    /** Resource {@code service.name} unless {@code OTEL_SERVICE_NAME} says otherwise. */
    public static final String SERVICE_NAME = "llmstream";
    /** Instrumentation scope of our tracer. */
    public static final String SCOPE = "dev.llmstream";

    // ---- semconv metrics (histograms, seconds) with their recommended bucket boundaries ----
    public static final String TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";
    public static final String TIME_PER_OUTPUT_TOKEN = "gen_ai.server.time_per_output_token";
    public static final String REQUEST_DURATION = "gen_ai.server.request.duration";
    public static final List<Double> TTFT_BUCKETS = List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25,
            0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    public static final List<Double> TPOT_BUCKETS = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
            0.75, 1.0, 2.5);
    public static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
            2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

    // ---- our request histograms (seconds unless said otherwise) ----
    public static final String QUEUE_TIME = "llmstream.request.queue_time";
    public static final String PREFILL_TIME = "llmstream.request.prefill_time";
    public static final String DECODE_TIME = "llmstream.request.decode_time";
    /** One sample per output token after the first (token-weighted; the semconv TPOT is request-weighted). */
    public static final String INTER_TOKEN_LATENCY = "llmstream.inter_token_latency";
    public static final String REQUEST_PROMPT_TOKENS = "llmstream.request.prompt_tokens";
    public static final String REQUEST_OUTPUT_TOKENS = "llmstream.request.output_tokens";
    /** Request phases: a 1 ms floor (vLLM's 0.3 s floor hides sub-second SLOs), then semconv's doubling. */
    public static final List<Double> PHASE_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16,
            0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    /** Inter-token latency: from 1 ms (fast decoders) up to semconv's TPOT ceiling. */
    public static final List<Double> ITL_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025,
            0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5);
    /** Token counts: semconv's {@code gen_ai.client.token.usage} boundaries up to 256 Ki. */
    public static final List<Double> TOKEN_BUCKETS = List.of(1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0,
            65536.0, 262144.0);

    // ---- our request counters ----
    /** Every generation request once, at its end; tag {@link #OUTCOME}. */
    public static final String REQUESTS = "llmstream.requests";
    /** Requests that did not succeed; tag {@link #ERROR_TYPE}. */
    public static final String REQUEST_ERRORS = "llmstream.request.errors";
    /** Finished choices by finish reason (n per request); tag {@link #FINISH_REASON}. */
    public static final String FINISH_REASONS = "llmstream.finish_reasons";
    /** Requests between arrival and end (gauge). */
    public static final String ACTIVE_REQUESTS = "llmstream.server.active_requests";

    // ---- engine: step histograms (engine thread) ----
    public static final String STEP_DURATION = "llmstream.engine.step.duration";
    public static final String STEP_TOKENS = "llmstream.engine.step.tokens";
    public static final String STEP_REQUESTS = "llmstream.engine.step.requests";
    public static final List<Double> STEP_DURATION_BUCKETS = List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.04,
            0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12);
    public static final List<Double> STEP_TOKEN_BUCKETS = List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0,
            512.0, 1024.0, 2048.0, 4096.0, 8192.0);
    public static final List<Double> STEP_BATCH_BUCKETS = List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0);

    // ---- engine: gauges and counters computed on scrape from the EngineStats snapshot ----
    public static final String ENGINE_RUNNING = "llmstream.engine.requests.running";
    public static final String ENGINE_WAITING = "llmstream.engine.requests.waiting";
    public static final String KV_USAGE = "llmstream.engine.kv_cache.usage";
    public static final String KV_BLOCKS_USED = "llmstream.engine.kv_cache.blocks.used";
    public static final String KV_BLOCKS_TOTAL = "llmstream.engine.kv_cache.blocks.total";
    public static final String PROMPT_TOKENS = "llmstream.engine.prompt_tokens";
    public static final String GENERATION_TOKENS = "llmstream.engine.generation_tokens";
    public static final String PREFIX_QUERIES = "llmstream.engine.prefix_cache.queries";
    public static final String PREFIX_HITS = "llmstream.engine.prefix_cache.hits";
    public static final String PREEMPTIONS = "llmstream.engine.preemptions";
    public static final String STEPS = "llmstream.engine.steps";
    public static final String SPEC_DRAFTS = "llmstream.engine.spec_decode.num_drafts";
    public static final String SPEC_DRAFT_TOKENS = "llmstream.engine.spec_decode.num_draft_tokens";
    public static final String SPEC_ACCEPTED_TOKENS = "llmstream.engine.spec_decode.num_accepted_tokens";
    /** Prometheus name (written by our collector, not Micrometer): accepted tokens by draft position. */
    public static final String SPEC_ACCEPTED_PER_POS_PROM = "llmstream_engine_spec_decode_num_accepted_tokens_per_pos";

    // ---- vLLM-named aliases for the Kubernetes Gateway API Inference Extension (exact Prometheus names) ----
    public static final String VLLM_WAITING = "vllm:num_requests_waiting";
    public static final String VLLM_RUNNING = "vllm:num_requests_running";
    public static final String VLLM_KV_USAGE = "vllm:kv_cache_usage_perc";
    /** Written as an Info metric; Prometheus text shows it as {@code vllm:cache_config_info}. */
    public static final String VLLM_CACHE_CONFIG = "vllm:cache_config";
    public static final String VLLM_MODEL_NAME = "model_name";
    public static final String VLLM_BLOCK_SIZE = "block_size";
    public static final String VLLM_NUM_GPU_BLOCKS = "num_gpu_blocks";
    public static final String VLLM_PREFIX_CACHING = "enable_prefix_caching";

    // ---- tags (metric attributes) ----
    public static final String OPERATION = "gen_ai.operation.name";
    public static final String PROVIDER_NAME = "gen_ai.provider.name";
    public static final String REQUEST_MODEL = "gen_ai.request.model";
    public static final String RESPONSE_MODEL = "gen_ai.response.model";
    public static final String ERROR_TYPE = "error.type";
    public static final String OUTCOME = "outcome";
    public static final String FINISH_REASON = "finish_reason";
    public static final String ENGINE = "engine";
    public static final String STEP_KIND = "kind";
    public static final String POSITION = "position";
    public static final String OUTCOME_SUCCESS = "success";
    public static final String OUTCOME_REJECTED = "rejected";
    public static final String OUTCOME_ERROR = "error";
    public static final String OUTCOME_CANCELLED = "cancelled";

    // ---- request span: semconv attributes ----
    public static final String REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
    public static final String REQUEST_TEMPERATURE = "gen_ai.request.temperature";
    public static final String REQUEST_TOP_P = "gen_ai.request.top_p";
    public static final String REQUEST_TOP_K = "gen_ai.request.top_k";
    public static final String REQUEST_SEED = "gen_ai.request.seed";
    public static final String REQUEST_FREQUENCY_PENALTY = "gen_ai.request.frequency_penalty";
    public static final String REQUEST_PRESENCE_PENALTY = "gen_ai.request.presence_penalty";
    public static final String REQUEST_STOP_SEQUENCES = "gen_ai.request.stop_sequences";
    public static final String REQUEST_STREAM = "gen_ai.request.stream";
    public static final String REQUEST_CHOICE_COUNT = "gen_ai.request.choice.count";
    public static final String RESPONSE_ID = "gen_ai.response.id";
    public static final String RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
    public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
    public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    /** Prompt tokens served from the prefix cache (the brief's "cached prompt tokens"). */
    public static final String USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
    /** HTTP semconv: status of a request answered with an error before streaming. */
    public static final String HTTP_STATUS_CODE = "http.response.status_code";
    /** HTTP semconv's captured request header (string array): the client's {@code X-Request-Id}. */
    public static final String HTTP_REQUEST_ID_HEADER = "http.request.header.x-request-id";

    // ---- request span: ours (seconds for times; choice 0's engine timings, as the response's metrics) ----
    public static final String ATTR_QUEUE_TIME = QUEUE_TIME;
    public static final String ATTR_TTFT = "llmstream.request.time_to_first_token";
    public static final String ATTR_TPOT = "llmstream.request.time_per_output_token";
    public static final String ATTR_PREFILL_TIME = PREFILL_TIME;
    public static final String ATTR_DECODE_TIME = DECODE_TIME;
    public static final String ATTR_KV_HIT_RATIO = "llmstream.request.kv_cache_hit_ratio";
    public static final String ATTR_PREEMPTIONS = "llmstream.request.preemptions";
    public static final String ATTR_SPEC_DRAFT_TOKENS = "llmstream.request.spec_decode.draft_tokens";
    public static final String ATTR_SPEC_ACCEPTED_TOKENS = "llmstream.request.spec_decode.accepted_tokens";

    // ---- request span events ----
    public static final String EVENT_QUEUED = "llmstream.queued";
    public static final String EVENT_SCHEDULED = "llmstream.scheduled";
    public static final String EVENT_FIRST_TOKEN = "llmstream.first_token";
    public static final String EVENT_FINISHED = "llmstream.finished";
    public static final String EVENT_CANCELLED = "llmstream.cancelled";
    public static final String EVENT_BACKPRESSURE = "llmstream.backpressure";

    // ---- engine step span (sampled, linked to the request spans it served) ----
    public static final String STEP_SPAN = "llmstream.engine.step";
    public static final String ATTR_STEP_NUMBER = "llmstream.engine.step.number";
    public static final String ATTR_STEP_KIND = "llmstream.engine.step.kind";
    public static final String ATTR_STEP_BATCH_SIZE = "llmstream.engine.step.batch_size";
    public static final String ATTR_STEP_PREFILL_TOKENS = "llmstream.engine.step.prefill_tokens";
    public static final String ATTR_STEP_DECODE_TOKENS = "llmstream.engine.step.decode_tokens";
    public static final String ATTR_STEP_RUNNING = "llmstream.engine.step.running";
    public static final String ATTR_STEP_WAITING = "llmstream.engine.step.waiting";
    public static final String ATTR_STEP_KV_USAGE = "llmstream.engine.step.kv_cache_usage";

    // ---- access log ----
    /** SLF4J logger of the JSON access log (logback.xml sends it, unformatted and asynchronously, to stdout). */
    public static final String ACCESS_LOGGER = "llmstream.access";

    /** Span name per semconv: {@code "{gen_ai.operation.name} {gen_ai.request.model}"}, the operation alone without a model. */
    public static String spanName(String operation, String model) {
        return model == null || model.isEmpty() ? operation : operation + " " + model;
    }
}
