package dev.llmstream.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key of {@code llmstream serve}, in the order of {@code config/llmstream.yaml}.
 * The file documents each key; a test checks the file lists exactly these keys with these defaults.
 */
public final class ConfigSchema {
    private static final int MAX = Integer.MAX_VALUE;
    private static final Map<String, ConfigKey> KEYS = new LinkedHashMap<>();

    static {
        add(ConfigKey.string("server.host", "127.0.0.1", "address to listen on (0.0.0.0: all interfaces)"));
        add(ConfigKey.integer("server.port", 8000, 0, 65535, "TCP port (0: any free port)"));
        add(ConfigKey.integer("server.event_loops", 0, 0, 256, "Vert.x event loops (0: number of cores)"));
        add(ConfigKey.integer("server.tokenizer_threads", 0, 0, 256, "chat template + tokenizer workers (0: cores/2, at least 1)"));
        add(ConfigKey.integer("server.max_body_bytes", 8L << 20, 1024, 1L << 30, "largest request body (413 beyond)"));
        add(ConfigKey.integer("server.max_in_flight", 512, 1, 1_000_000, "requests admitted at once, queued or running (429 beyond)"));
        add(ConfigKey.integer("server.retry_after_seconds", 1, 0, 3600, "Retry-After on 429 responses"));
        add(ConfigKey.integer("server.request_timeout_seconds", 600, 0, 86_400, "per-request limit (0: none)"));
        add(ConfigKey.integer("server.keepalive_seconds", 10, 1, 3600, "SSE comment keep-alive while a stream is silent"));
        add(ConfigKey.integer("server.drain_timeout_seconds", 30, 0, 86_400, "on SIGTERM: how long running streams may finish"));
        add(ConfigKey.list("server.cors_origins", "origins allowed by CORS; empty: CORS off; \"*\": any"));
        add(ConfigKey.list("server.api_keys", "accepted API keys (Authorization: Bearer); empty with no key file: no auth"));
        add(ConfigKey.string("server.api_key_file", "", "file of accepted keys' SHA-256 hashes (hex), one per line"));
        add(ConfigKey.string("server.served_model_name", "", "model id clients use (empty: the GGUF's general.name)"));
        add(ConfigKey.integer("server.default_max_tokens", 0, 0, MAX, "output limit when a request sets none (0: the context's room)"));
        add(ConfigKey.integer("server.send_buffer_bytes", 0, 0, 64 << 20, "socket send buffer per connection (0: OS default)"));
        add(ConfigKey.string("model.path", "", "GGUF file to serve (empty: the built-in random-weight default model)"));
        add(ConfigKey.string("engine.kind", "cpu", "cpu, trtllm or auto (trtllm when its library and engine dir are usable)"));
        add(ConfigKey.string("engine.trtllm_engine_dir", "", "TensorRT-LLM engine directory (trtllm-build output)"));
        add(ConfigKey.string("engine.trtllm_native_dir", "", "directory holding libtrtllm_shim.so (empty: the library path)"));
        add(ConfigKey.integer("engine.threads", 0, 0, 1024, "compute threads (0: all cores)"));
        add(ConfigKey.integer("engine.context_length", 0, 0, MAX, "context length per sequence (0: the model's)"));
        add(ConfigKey.integer("engine.kv_cache_mb", 0, 0, 1L << 24, "KV-cache budget in MiB (0: 30% of the heap)"));
        add(ConfigKey.integer("engine.max_batched_tokens", 512, 1, 1 << 20, "token budget of one engine step"));
        add(ConfigKey.integer("engine.max_seqs", 64, 1, 4096, "sequences running at once"));
        add(ConfigKey.integer("engine.max_waiting", 1024, 0, 1_000_000, "requests queued in the engine (429 beyond)"));
        add(ConfigKey.bool("engine.prefix_cache", true, "reuse cached prompt blocks across requests"));
        add(ConfigKey.integer("engine.block_size", 16, 1, 1024, "tokens per KV-cache block"));
        add(ConfigKey.integer("engine.max_step_ms", 200, 0, 60_000, "while streams decode, prefill chunks sized so a step takes about this long (0: static budget)"));
        add(ConfigKey.string("engine.numerics", "exact", "CPU rounding: exact (llama.cpp's bits) or fast (Q8_0 one multiply-add per weight, float attention; ~1.5x batched decode)"));
        add(ConfigKey.bool("engine.warmup", true, "run the JIT warm-up before /ready turns 200"));
        add(ConfigKey.string("engine.spec", "off", "speculative decoding default: off, ngram (prompt lookup) or draft"));
        add(ConfigKey.string("engine.draft_model", "", "draft GGUF sharing the model's vocabulary (engine.spec: draft)"));
        add(ConfigKey.integer("engine.spec_tokens", 5, 0, 16, "most draft tokens per step"));
        add(ConfigKey.integer("engine.spec_max_batch", 4, 0, 4096, "no speculation while more sequences than this decode"));
        add(ConfigKey.bool("telemetry.metrics", true, "serve Prometheus metrics at GET /metrics"));
        add(ConfigKey.string("telemetry.tracing", "auto", "OpenTelemetry spans: auto (on when OTEL_* configures an exporter), on, off"));
        add(ConfigKey.integer("telemetry.step_span_interval", 100, 0, 1_000_000, "one engine-step span per this many steps serving a traced request (0: none)"));
        add(ConfigKey.bool("telemetry.access_log", true, "one JSON line per request on stdout"));
        add(ConfigKey.bool("telemetry.log_prompts", false, "include prompt text in the access log (off: never logged)"));
    }

    private ConfigSchema() {}

    private static void add(ConfigKey k) {
        KEYS.put(k.name(), k);
    }

    public static List<ConfigKey> keys() {
        return List.copyOf(KEYS.values());
    }

    /** The key, or null if unknown. */
    public static ConfigKey key(String name) {
        return KEYS.get(name);
    }
}
