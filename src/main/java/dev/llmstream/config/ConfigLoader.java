package dev.llmstream.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the configuration from, in increasing precedence: the defaults of {@link ConfigSchema},
 * a YAML file, the environment ({@code LLMSTREAM_<KEY>}, plus {@code LLMSTREAM_API_KEYS} as a
 * comma-separated list of keys), and command-line flags. Every value is validated here, once, at
 * start; a bad one is a {@link ConfigException} naming the key and its source, and an unknown key
 * in the file is an error too (a typo must not silently fall back to a default).
 */
public final class ConfigLoader {
    /** Comma-separated API keys, the conventional name (also: {@code LLMSTREAM_SERVER_API_KEYS}). */
    public static final String API_KEYS_ENV = "LLMSTREAM_API_KEYS";

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private ConfigLoader() {
        for (ConfigKey k : ConfigSchema.keys()) {
            values.put(k.name(), k.defaultValue());
            sources.put(k.name(), "default");
        }
    }

    /** The defaults alone. */
    public static LlmstreamConfig defaults() {
        return new ConfigLoader().build();
    }

    /**
     * @param file  YAML file, or null
     * @param env   the environment (System.getenv() in production)
     * @param flags values from command-line flags by key name (String, Number, Boolean or List)
     */
    public static LlmstreamConfig load(Path file, Map<String, String> env, Map<String, Object> flags) {
        ConfigLoader l = new ConfigLoader();
        if (file != null) {
            l.readYaml(file);
        }
        for (ConfigKey k : ConfigSchema.keys()) {
            String v = env.get(k.envName());
            if (v != null) {
                l.set(k, v, "env " + k.envName());
            }
        }
        String keys = env.get(API_KEYS_ENV);
        if (keys != null) {
            l.set(ConfigSchema.key("server.api_keys"), keys, "env " + API_KEYS_ENV);
        }
        flags.forEach((name, v) -> {
            ConfigKey k = ConfigSchema.key(name);
            if (k == null) {
                throw new ConfigException(name, "unknown key (from flags)");
            }
            l.set(k, v, "flag");
        });
        return l.build();
    }

    private void set(ConfigKey k, Object raw, String source) {
        values.put(k.name(), k.convert(raw, source));
        sources.put(k.name(), source);
    }

    private void readYaml(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(null, "cannot read config file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file is all defaults
        }
        if (!root.isObject()) {
            throw new ConfigException(null, file + ": expected a mapping of sections (server:, engine:, ...)");
        }
        flatten(root, "", file);
    }

    private void flatten(JsonNode node, String prefix, Path file) {
        for (var e : node.properties()) {
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            ConfigKey k = ConfigSchema.key(name);
            if (k == null && v.isObject()) {
                flatten(v, name, file);
                continue;
            }
            if (k == null) {
                throw new ConfigException(name, "unknown key in " + file);
            }
            if (v.isNull()) {
                continue;
            }
            Object raw;
            if (v.isArray()) {
                List<Object> items = new ArrayList<>();
                v.forEach(x -> items.add(x.isContainerNode() ? List.of() : x.asText()));
                raw = items;
            } else if (v.isBoolean()) {
                raw = v.booleanValue();
            } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                raw = v.longValue();
            } else if (v.isContainerNode()) {
                raw = Map.of();
            } else {
                raw = v.asText();
            }
            set(k, raw, file.getFileName().toString());
        }
    }

    private LlmstreamConfig build() {
        List<String> hashes = new ArrayList<>();
        for (String key : list("server.api_keys")) {
            hashes.add(sha256Hex(key));
        }
        String keyFile = str("server.api_key_file");
        if (!keyFile.isEmpty()) {
            hashes.addAll(readHashFile(Path.of(keyFile)));
        }
        ServerConfig server = new ServerConfig(str("server.host"), num("server.port"), num("server.event_loops"),
                num("server.tokenizer_threads"), (long) values.get("server.max_body_bytes"), num("server.max_in_flight"),
                num("server.retry_after_seconds"), Duration.ofSeconds(num("server.request_timeout_seconds")),
                Duration.ofSeconds(num("server.keepalive_seconds")),
                Duration.ofSeconds(num("server.drain_timeout_seconds")), list("server.cors_origins"), hashes,
                str("server.served_model_name"), num("server.default_max_tokens"),
                num("server.send_buffer_bytes"));
        if (server.host().isEmpty()) {
            throw new ConfigException("server.host", "must not be empty (from " + sources.get("server.host") + ")");
        }
        String model = str("model.path");
        Path modelPath = model.isEmpty() ? null : Path.of(model);
        if (modelPath != null && !Files.isRegularFile(modelPath)) {
            throw new ConfigException("model.path", "no such file: " + model + " (from " + sources.get("model.path") + ")");
        }
        String kind = oneOf("engine.kind", "cpu", "trtllm", "auto");
        String spec = oneOf("engine.spec", "off", "ngram", "draft");
        String numerics = oneOf("engine.numerics", "exact", "fast");
        Path draft = optionalFile("engine.draft_model");
        if (spec.equals("draft") && draft == null) {
            throw new ConfigException("engine.draft_model", "engine.spec is draft but no draft model is set (from "
                    + sources.get("engine.spec") + ")");
        }
        Path engineDir = str("engine.trtllm_engine_dir").isEmpty() ? null : Path.of(str("engine.trtllm_engine_dir"));
        if (kind.equals("trtllm") && engineDir == null) {
            throw new ConfigException("engine.trtllm_engine_dir", "engine.kind is trtllm but no engine directory is set");
        }
        Path nativeDir = str("engine.trtllm_native_dir").isEmpty() ? null : Path.of(str("engine.trtllm_native_dir"));
        EngineSettings engine = new EngineSettings(modelPath, kind, engineDir, nativeDir, num("engine.threads"),
                num("engine.context_length"), (long) values.get("engine.kv_cache_mb"), num("engine.max_batched_tokens"),
                num("engine.max_seqs"), num("engine.max_waiting"), (boolean) values.get("engine.prefix_cache"),
                num("engine.block_size"), (boolean) values.get("engine.warmup"), spec, draft,
                num("engine.spec_tokens"), num("engine.spec_max_batch"), num("engine.max_step_ms"), numerics);
        TelemetrySettings telemetry = new TelemetrySettings((boolean) values.get("telemetry.metrics"),
                TelemetrySettings.Tracing.parse(str("telemetry.tracing"), sources.get("telemetry.tracing")),
                num("telemetry.step_span_interval"), (boolean) values.get("telemetry.access_log"),
                (boolean) values.get("telemetry.log_prompts"));
        return new LlmstreamConfig(server, engine, telemetry);
    }

    private String oneOf(String key, String... allowed) {
        String v = str(key).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", got '" + str(key)
                + "' (from " + sources.get(key) + ")");
    }

    private Path optionalFile(String key) {
        String v = str(key);
        if (v.isEmpty()) {
            return null;
        }
        if (!Files.isRegularFile(Path.of(v))) {
            throw new ConfigException(key, "no such file: " + v + " (from " + sources.get(key) + ")");
        }
        return Path.of(v);
    }

    /** Lines of 64 hex digits; blank lines and {@code #} comments are skipped. */
    static List<String> readHashFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("server.api_key_file", "cannot read " + file + ": " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            s = s.toLowerCase(Locale.ROOT);
            if (!s.matches("[0-9a-f]{64}")) {
                throw new ConfigException("server.api_key_file", file + " line " + (i + 1)
                        + ": expected a SHA-256 hash (64 hex digits), e.g. from `printf %s KEY | sha256sum`");
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new ConfigException("server.api_key_file", file + " holds no key hashes");
        }
        return out;
    }

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes (what the key file stores). */
    public static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private String str(String k) {
        return (String) values.get(k);
    }

    private int num(String k) {
        return Math.toIntExact((long) values.get(k));
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String k) {
        return (List<String>) values.get(k);
    }
}
