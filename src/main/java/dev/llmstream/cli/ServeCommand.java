package dev.llmstream.cli;

import dev.llmstream.config.ConfigException;
import dev.llmstream.config.ConfigLoader;
import dev.llmstream.config.EngineSettings;
import dev.llmstream.config.LlmstreamConfig;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.frontend.ModelText;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.model.DefaultModel;
import dev.llmstream.server.LlmServer;
import dev.llmstream.telemetry.Telemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llmstream serve}: the OpenAI-compatible server. Configuration comes from the YAML file
 * ({@code --config}, else {@code $LLMSTREAM_CONFIG}, else {@code ./config/llmstream.yaml} if
 * present), then {@code LLMSTREAM_*} variables, then these flags (flags have no defaults of their
 * own, so an unset flag never hides a file or env value). The server listens first (liveness 200,
 * readiness 503), loads and warms up the model, then turns ready; SIGTERM drains gracefully.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a GGUF model over an OpenAI-compatible HTTP API with SSE streaming.")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    private static final Path DEFAULT_CONFIG = Path.of("config", "llmstream.yaml");

    @Option(names = "--config", description = "YAML config file (default: $LLMSTREAM_CONFIG or ./config/llmstream.yaml)")
    Path config;

    @Option(names = {"-m", "--model"}, description = "GGUF model file (default: the built-in random-weight model)")
    Path model;

    @Option(names = "--host", description = "address to listen on (default 127.0.0.1)")
    String host;

    @Option(names = {"-p", "--port"}, description = "port (default 8000)")
    Integer port;

    @Option(names = "--api-key", description = "accepted API key (repeatable); also LLMSTREAM_API_KEYS=k1,k2")
    List<String> apiKeys;

    @Option(names = "--api-key-file", description = "file of accepted keys' SHA-256 hashes, one per line")
    Path apiKeyFile;

    @Option(names = "--served-model-name", description = "model id clients use (default: the GGUF's name)")
    String servedModelName;

    @Option(names = "--cors-origin", description = "allow this browser origin (repeatable; '*' = any; default: CORS off)")
    List<String> corsOrigins;

    @Option(names = "--max-in-flight", description = "generation requests held at once before 429 (default 512)")
    Integer maxInFlight;

    @Option(names = "--request-timeout", description = "per-request limit in seconds, 0 = none (default 600)")
    Integer requestTimeout;

    @Option(names = "--drain-timeout", description = "seconds running streams may finish on SIGTERM (default 30)")
    Integer drainTimeout;

    @Option(names = "--event-loops", description = "Vert.x event loops (default: cores)")
    Integer eventLoops;

    @Option(names = "--default-max-tokens", description = "output limit when a request sets none (default: context room)")
    Integer defaultMaxTokens;

    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;

    @Option(names = "--ctx", description = "context length per sequence (default: the model's)")
    Integer contextLength;

    @Option(names = "--kv-cache-mb", description = "KV-cache budget in MiB (default: 30%% of the heap)")
    Long kvCacheMb;

    @Option(names = "--max-batched-tokens", description = "token budget of one engine step (default 512)")
    Integer maxBatchedTokens;

    @Option(names = "--max-seqs", description = "sequences running at once (default 64)")
    Integer maxSeqs;

    @Option(names = "--max-waiting", description = "requests queued in the engine before 429 (default 1024)")
    Integer maxWaiting;

    @Option(names = "--no-prefix-cache", description = "disable automatic prefix caching")
    Boolean noPrefixCache;

    @Option(names = "--block-size", description = "tokens per KV block (default 16)")
    Integer blockSize;

    @Option(names = "--numerics", description = "CPU rounding: exact (llama.cpp's bits, default) or fast (Q8_0 one multiply-add per weight, float attention; faster batches)")
    String numerics;

    @Option(names = "--max-step-ms", description = "while streams decode, size prefill chunks to keep a step near this (default 200; 0 = off)")
    Integer maxStepMs;

    @Option(names = "--no-warmup", description = "skip the JIT warm-up before turning ready")
    Boolean noWarmup;

    @Option(names = "--engine", description = "cpu, trtllm or auto (default cpu)")
    String engineKind;

    @Option(names = "--engine-dir", description = "TensorRT-LLM engine directory (for --engine trtllm|auto)")
    Path engineDir;

    @Option(names = "--trtllm-native-dir", description = "directory holding libtrtllm_shim.so")
    Path trtllmNativeDir;

    @Option(names = "--spec", description = "speculative decoding default: off, ngram or draft (default off)")
    String spec;

    @Option(names = "--draft-model", description = "draft GGUF sharing the model's vocabulary (for --spec draft)")
    Path draftModel;

    @Option(names = "--spec-tokens", description = "most draft tokens per step (default 5)")
    Integer specTokens;

    @Option(names = "--spec-max-batch", description = "no speculation while more sequences decode (default 4)")
    Integer specMaxBatch;

    @Option(names = "--no-metrics", description = "do not serve Prometheus metrics at /metrics")
    Boolean noMetrics;

    @Option(names = "--tracing", description = "OpenTelemetry spans: auto (on when OTEL_* sets an exporter), on, off (default auto)")
    String tracing;

    @Option(names = "--no-access-log", description = "no JSON access-log line per request on stdout")
    Boolean noAccessLog;

    @Option(names = "--log-prompts", description = "include prompt text in the access log (default: never logged)")
    Boolean logPrompts;

    @Override
    public Integer call() throws Exception {
        LlmstreamConfig cfg;
        try {
            cfg = ConfigLoader.load(configFile(), System.getenv(), flags());
        } catch (ConfigException e) {
            System.err.println("llmstream serve: invalid configuration: " + e.getMessage());
            return 2;
        }
        Telemetry telemetry = Telemetry.create(cfg.telemetry());
        LlmServer server = LlmServer.start(cfg.server(), telemetry.observer(),
                telemetry.metricsEnabled() ? telemetry::scrape : null);
        CountDownLatch stopped = new CountDownLatch(1);
        InferenceEngine[] engine = new InferenceEngine[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            if (engine[0] != null) {
                engine[0].close();
            }
            telemetry.close(); // after the drain: the last requests' spans are exported
            stopped.countDown();
        }, "shutdown"));
        Path path = cfg.engine().model() != null ? cfg.engine().model() : DefaultModel.ensure();
        ModelText text;
        try (GgufFile file = GgufFile.open(path)) {
            text = ModelText.fromGguf(file.metadata());
        }
        engine[0] = EngineFactory.start(cfg.engine(), path, text);
        String served = cfg.server().servedModelName();
        telemetry.attach(engine[0], served.isEmpty() ? engine[0].info().model() : served); // after warm-up
        server.serve(engine[0], text, path.toAbsolutePath().toString());
        stopped.await();
        return 0;
    }

    private Path configFile() {
        if (config != null) {
            return config;
        }
        String env = System.getenv("LLMSTREAM_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Files.isRegularFile(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null;
    }

    /** Only the flags given, by config key. */
    Map<String, Object> flags() {
        Map<String, Object> f = new LinkedHashMap<>();
        put(f, "model.path", model == null ? null : model.toString());
        put(f, "server.host", host);
        put(f, "server.port", port);
        put(f, "server.api_keys", apiKeys);
        put(f, "server.api_key_file", apiKeyFile == null ? null : apiKeyFile.toString());
        put(f, "server.served_model_name", servedModelName);
        put(f, "server.cors_origins", corsOrigins);
        put(f, "server.max_in_flight", maxInFlight);
        put(f, "server.request_timeout_seconds", requestTimeout);
        put(f, "server.drain_timeout_seconds", drainTimeout);
        put(f, "server.event_loops", eventLoops);
        put(f, "server.default_max_tokens", defaultMaxTokens);
        put(f, "engine.threads", threads);
        put(f, "engine.context_length", contextLength);
        put(f, "engine.kv_cache_mb", kvCacheMb);
        put(f, "engine.max_batched_tokens", maxBatchedTokens);
        put(f, "engine.max_seqs", maxSeqs);
        put(f, "engine.max_waiting", maxWaiting);
        put(f, "engine.prefix_cache", noPrefixCache == null ? null : !noPrefixCache);
        put(f, "engine.block_size", blockSize);
        put(f, "engine.max_step_ms", maxStepMs);
        put(f, "engine.numerics", numerics);
        put(f, "engine.warmup", noWarmup == null ? null : !noWarmup);
        put(f, "engine.kind", engineKind);
        put(f, "engine.trtllm_engine_dir", engineDir == null ? null : engineDir.toString());
        put(f, "engine.trtllm_native_dir", trtllmNativeDir == null ? null : trtllmNativeDir.toString());
        put(f, "engine.spec", spec);
        put(f, "engine.draft_model", draftModel == null ? null : draftModel.toString());
        put(f, "engine.spec_tokens", specTokens);
        put(f, "engine.spec_max_batch", specMaxBatch);
        put(f, "telemetry.metrics", noMetrics == null ? null : !noMetrics);
        put(f, "telemetry.tracing", tracing);
        put(f, "telemetry.access_log", noAccessLog == null ? null : !noAccessLog);
        put(f, "telemetry.log_prompts", logPrompts);
        return f;
    }

    private static void put(Map<String, Object> f, String key, Object value) {
        if (value != null) {
            f.put(key, value);
        }
    }
}
