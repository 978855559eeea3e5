package dev.llmstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.bench.workload.WorkloadSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One benchmark run, fully described. Build with {@link #builder(String)}; every field has a default
 * except the URL:
 *
 * <pre>{@code
 * BenchReport r = BenchRunner.run(BenchConfig.builder("http://127.0.0.1:8080").requests(16)
 *         .load(new LoadShape.Closed(4)).workload(WorkloadSpec.random(128, 32)).build());
 * }</pre>
 *
 * @param baseUrl server root ({@code /v1} and trailing slashes removed)
 * @param endpoint chat or completions
 * @param model model name; null asks {@code GET /v1/models} and takes {@code data[0].id}
 * @param requests count bound on measured requests
 * @param duration time bound (no request starts after it), or null
 * @param load closed or open loop
 * @param warmup requests sent before measuring (random prompts of the same lengths, other seed)
 * @param rampUp closed loop: clients start evenly over it; open loop: the rate rises linearly over it
 * @param workload prompts
 * @param temperature sampling temperature; NaN leaves it out of the request
 * @param ignoreEos send {@code ignore_eos: true} and {@code min_tokens = max_tokens} to pin output length
 * @param extraBody JSON object merged into every request body, or null
 * @param headers extra HTTP headers (e.g. {@code Authorization})
 * @param timeout per request, headers to end of stream
 * @param slo goodput objectives
 * @param metricsUrl Prometheus endpoint scraped before and after the run, or null
 * @param tokenizer local GGUF whose tokenizer counts tokens, or null (server {@code /tokenize}, else words)
 * @param saveText keep each output text in the report
 * @param seed seed of prompts and arrivals
 */
public record BenchConfig(
        URI baseUrl, Endpoint endpoint, String model, int requests, Duration duration, LoadShape load,
        int warmup, Duration rampUp, WorkloadSpec workload, double temperature, boolean ignoreEos,
        String extraBody, Map<String, String> headers, Duration timeout, Slo slo, URI metricsUrl,
        Path tokenizer, boolean saveText, long seed) {

    /** The OpenAI endpoints a run can target. */
    public enum Endpoint {
        CHAT("/v1/chat/completions"),
        COMPLETIONS("/v1/completions");

        private final String path;

        Endpoint(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    public BenchConfig {
        if (baseUrl == null || endpoint == null || load == null || workload == null || timeout == null) {
            throw new IllegalArgumentException("baseUrl, endpoint, load, workload and timeout are required");
        }
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be >= 1, is " + requests);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration must be > 0, is " + duration);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, is " + timeout);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, is " + warmup);
        }
        if (extraBody != null) {
            try {
                if (!new ObjectMapper().readTree(extraBody).isObject()) {
                    throw new IllegalArgumentException("extra body must be a JSON object");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("extra body is not JSON: " + e.getMessage());
            }
        }
        rampUp = rampUp == null ? Duration.ZERO : rampUp;
        slo = slo == null ? Slo.NONE : slo;
        headers = Map.copyOf(headers == null ? Map.of() : headers);
    }

    /**
     * Timeout for setup calls ({@code /v1/models}, {@code /tokenize}, {@code /metrics}): the request timeout,
     * at most 30 s, so a server that accepts connections but never answers fails the setup quickly.
     */
    public Duration setupTimeout() {
        Duration max = Duration.ofSeconds(30);
        return timeout.compareTo(max) < 0 ? timeout : max;
    }

    /** The URL of the configured endpoint. */
    public URI endpointUri() {
        return URI.create(baseUrl + endpoint.path());
    }

    /** {@code http://host:port} from any of {@code http://host:port}, {@code .../}, {@code .../v1}, {@code .../v1/}. */
    public static URI normalizeBase(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith("/v1")) {
            u = u.substring(0, u.length() - 3);
        }
        URI uri = URI.create(u);
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("--url must be an http(s) URL such as http://127.0.0.1:8080, got '"
                    + url + "'");
        }
        return uri;
    }

    public static Builder builder(String url) {
        return new Builder(normalizeBase(url));
    }

    public Builder toBuilder() {
        Builder b = new Builder(baseUrl);
        b.endpoint = endpoint;
        b.model = model;
        b.requests = requests;
        b.duration = duration;
        b.load = load;
        b.warmup = warmup;
        b.rampUp = rampUp;
        b.workload = workload;
        b.temperature = temperature;
        b.ignoreEos = ignoreEos;
        b.extraBody = extraBody;
        b.headers.putAll(headers);
        b.timeout = timeout;
        b.slo = slo;
        b.metricsUrl = metricsUrl;
        b.tokenizer = tokenizer;
        b.saveText = saveText;
        b.seed = seed;
        return b;
    }

    /** Defaults: chat, 100 requests, closed loop of 1, random 128 in / 128 out, greedy, 300 s timeout. */
    public static final class Builder {
        private final URI baseUrl;
        private Endpoint endpoint = Endpoint.CHAT;
        private String model;
        private int requests = 100;
        private Duration duration;
        private LoadShape load = new LoadShape.Closed(1);
        private int warmup;
        private Duration rampUp = Duration.ZERO;
        private WorkloadSpec workload = WorkloadSpec.random(128, 128);
        private double temperature = 0.0;
        private boolean ignoreEos;
        private String extraBody;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(300);
        private Slo slo = Slo.NONE;
        private URI metricsUrl;
        private Path tokenizer;
        private boolean saveText;
        private long seed;

        private Builder(URI baseUrl) {
            this.baseUrl = baseUrl;
        }

        public Builder endpoint(Endpoint v) { endpoint = v; return this; }
        public Builder model(String v) { model = v; return this; }
        public Builder requests(int v) { requests = v; return this; }
        public Builder duration(Duration v) { duration = v; return this; }
        public Builder load(LoadShape v) { load = v; return this; }
        public Builder concurrency(int c) { load = new LoadShape.Closed(c); return this; }
        public Builder warmup(int v) { warmup = v; return this; }
        public Builder rampUp(Duration v) { rampUp = v; return this; }
        public Builder workload(WorkloadSpec v) { workload = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder ignoreEos(boolean v) { ignoreEos = v; return this; }
        public Builder extraBody(String v) { extraBody = v; return this; }
        public Builder header(String name, String value) { headers.put(name, value); return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder slo(Slo v) { slo = v; return this; }
        public Builder metricsUrl(URI v) { metricsUrl = v; return this; }
        /** Scrapes {@code baseUrl/metrics}. */
        public Builder scrapeMetrics() { metricsUrl = URI.create(baseUrl + "/metrics"); return this; }
        public Builder tokenizer(Path v) { tokenizer = v; return this; }
        public Builder saveText(boolean v) { saveText = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public BenchConfig build() {
            return new BenchConfig(baseUrl, endpoint, model, requests, duration, load, warmup, rampUp, workload,
                    temperature, ignoreEos, extraBody, headers, timeout, slo, metricsUrl, tokenizer, saveText, seed);
        }
    }
}
