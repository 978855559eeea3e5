package dev.llmstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.bench.workload.GgufTokenCounter;
import dev.llmstream.bench.workload.PromptSizer;
import dev.llmstream.bench.workload.ServerTokenCounter;
import dev.llmstream.bench.workload.TokenCounter;
import dev.llmstream.bench.workload.WordTokenCounter;
import dev.llmstream.bench.workload.Workload;
import dev.llmstream.bench.workload.WorkloadSpec;
import dev.llmstream.bench.workload.Workloads;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a benchmark: resolve the model, pick a token counter, build the workload, warm up, scrape the
 * server's metrics, run the load, scrape again, summarize. {@code BenchRunner.run(config)} is the whole
 * API for tests and embedding callers; the CLI adds a progress listener and report writers.
 */
public final class BenchRunner {
    /** Distinct prompts built for a duration-bound run without a request count. */
    static final int DURATION_POOL = 1000;
    private static final long WARMUP_SEED_SALT = 0x5eed_0f_3a43L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Progress callbacks; all default to nothing. Called from request threads: implementations are thread-safe. */
    public interface Listener {
        Listener NONE = new Listener() { };

        /** A phase ({@code warm-up}, {@code bench}) begins; {@code requests} is its count bound. */
        default void phaseStarted(String phase, int requests, Duration duration) {
        }

        default void requestDone(String phase, RequestRecord record) {
        }

        default void phaseEnded(String phase) {
        }

        /** A setup fact worth showing (model found, token counting method). */
        default void note(String message) {
        }
    }

    private BenchRunner() {
    }

    /** Runs {@code config} without progress output. */
    public static BenchReport run(BenchConfig config) throws IOException, InterruptedException {
        return run(config, Listener.NONE);
    }

    /**
     * Runs {@code config}. Failed requests are records in the report; this throws only when the run cannot
     * be set up (unreadable workload file or tokenizer) or the calling thread is interrupted.
     */
    public static BenchReport run(BenchConfig config, Listener listener) throws IOException, InterruptedException {
        try (HttpClient http = newHttpClient(config)) {
            return run(config, listener, http);
        }
    }

    /** Runs each value of {@code sweep} in turn (a series for tok/s against concurrency, say). */
    public static List<BenchReport> sweep(BenchConfig base, SweepSpec sweep, Listener listener)
            throws IOException, InterruptedException {
        List<BenchReport> reports = new ArrayList<>();
        int i = 0;
        for (String value : sweep.values()) {
            listener.note("sweep " + sweep.label(value));
            reports.add(run(pointConfig(base, sweep, value, i++), listener).withLabel(sweep.label(value)));
        }
        return reports;
    }

    /**
     * The configuration of sweep point {@code index}: each point draws its prompts from its own seed
     * ({@code seed + index}), so a server's prefix cache cannot answer a later point from the prompts of an
     * earlier one (with one seed, every point after the first re-sent the same prompts and measured cache hits).
     */
    static BenchConfig pointConfig(BenchConfig base, SweepSpec sweep, String value, int index) {
        return sweep.apply(base, value).toBuilder().seed(base.seed() + index).build();
    }

    static HttpClient newHttpClient(BenchConfig config) {
        Duration connect = config.timeout().compareTo(Duration.ofSeconds(10)) < 0 ? config.timeout() : Duration.ofSeconds(10);
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connect.isZero() ? Duration.ofSeconds(1) : connect)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private static BenchReport run(BenchConfig config, Listener listener, HttpClient http)
            throws IOException, InterruptedException {
        List<String> notes = new ArrayList<>();
        String model = config.model();
        String modelSource = "config";
        if (model == null) {
            model = discoverModel(http, config);
            modelSource = model == null ? "none" : "/v1/models";
            if (model == null) {
                notes.add("no --model and GET /v1/models gave none: requests carry no model field");
            }
        }
        listener.note("model: " + (model == null ? "(none)" : model) + " (" + modelSource + ")");

        TokenCounter counter = tokenCounter(config, http, model);
        listener.note("token counting: " + counter.method().description());
        PromptSizer sizer = new PromptSizer(counter);
        Workload workload = buildWorkload(config, sizer);
        notes.addAll(workload.notes());
        listener.note("workload: " + workload.description() + ", " + workload.prompts().size() + " prompt(s)");

        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        StreamingClient client = new StreamingClient(http, config, model,
                counter.method() == TokenCounter.Method.LOCAL_GGUF ? counter : null, runId);
        warmUp(config, sizer, client, listener);

        Map<String, Double> before = null;
        String scrapeError = null;
        if (config.metricsUrl() != null) {
            try {
                before = ServerMetrics.scrape(http, config.metricsUrl(), config.setupTimeout(), config.headers());
            } catch (IOException e) {
                scrapeError = "scrape before the run failed: " + e.getMessage();
            }
        }

        listener.phaseStarted("bench", config.requests(), config.duration());
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        LoadDriver driver = new LoadDriver(config.load(), config.requests(), config.duration(), config.rampUp(),
                config.seed());
        List<RequestRecord> records = driver.run(t0,
                (i, at) -> client.execute("r", i, workload.prompt(i), t0, at), r -> listener.requestDone("bench", r));
        listener.phaseEnded("bench");

        ServerMetrics.Delta metrics = null;
        if (config.metricsUrl() != null) {
            metrics = scrapeError == null ? scrapeAfter(http, config, before) : ServerMetrics.Delta.failed(
                    config.metricsUrl(), scrapeError);
        }
        Summary summary = Summary.of(records, config.warmup(), config.slo());
        return new BenchReport(null, startedAt, config, config.endpointUri().toString(), model, modelSource,
                workload.description(), counter.method().jsonName(), counter.method().exact(),
                workload.prompts().size(), notes, summary, records, metrics);
    }

    /**
     * The workload {@code config} would send, built exactly as {@link #run} builds it (same model
     * discovery and token counter), without sending any completion ({@code --dump-workload}).
     */
    public static Workload buildWorkload(BenchConfig config) throws IOException, InterruptedException {
        try (HttpClient http = newHttpClient(config)) {
            String model = config.model() != null ? config.model() : discoverModel(http, config);
            return buildWorkload(config, new PromptSizer(tokenCounter(config, http, model)));
        }
    }

    private static Workload buildWorkload(BenchConfig config, PromptSizer sizer) throws IOException {
        int pool = config.duration() != null && config.requests() > DURATION_POOL ? DURATION_POOL : config.requests();
        Workload w = Workloads.build(config.workload(), pool, config.seed(), sizer);
        if (config.workload().kind() != WorkloadSpec.Kind.FILE && pool < config.requests()) {
            List<String> notes = new ArrayList<>(w.notes());
            notes.add("duration-bound run: " + pool + " distinct prompts, repeated in order after that");
            w = new Workload(w.description(), w.prompts(), w.counting(), w.exactPrompts(), notes);
        }
        return w;
    }

    /**
     * Warm-up requests: random prompts of the run's lengths from another seed, so they warm connections,
     * JIT and kernels but never the prefix cache for the measured prompts. Results are dropped.
     */
    private static void warmUp(BenchConfig config, PromptSizer sizer, StreamingClient client, Listener listener)
            throws IOException, InterruptedException {
        if (config.warmup() == 0) {
            return;
        }
        WorkloadSpec spec = new WorkloadSpec(WorkloadSpec.Kind.RANDOM, null, config.workload().inputLen(),
                config.workload().outputLen(), 0, 0);
        Workload warm = Workloads.build(spec, config.warmup(), config.seed() ^ WARMUP_SEED_SALT, sizer);
        int inFlight = config.load().maxInFlight() > 0 ? config.load().maxInFlight() : config.warmup();
        LoadDriver driver = new LoadDriver(new LoadShape.Closed(Math.min(inFlight, config.warmup())),
                config.warmup(), null, null, 0);
        listener.phaseStarted("warm-up", config.warmup(), null);
        long start = System.nanoTime();
        driver.run(start, (i, at) -> client.execute("warmup", i, warm.prompt(i), start, at),
                r -> listener.requestDone("warm-up", r));
        listener.phaseEnded("warm-up");
    }

    private static ServerMetrics.Delta scrapeAfter(HttpClient http, BenchConfig config, Map<String, Double> before)
            throws InterruptedException {
        try {
            return ServerMetrics.delta(config.metricsUrl(), before,
                    ServerMetrics.scrape(http, config.metricsUrl(), config.setupTimeout(), config.headers()));
        } catch (IOException e) {
            return ServerMetrics.Delta.failed(config.metricsUrl(), "scrape after the run failed: " + e.getMessage());
        }
    }

    /** Local GGUF if given, else the server's /tokenize in either shape, else one token per word. */
    private static TokenCounter tokenCounter(BenchConfig config, HttpClient http, String model) throws IOException {
        if (config.tokenizer() != null) {
            return GgufTokenCounter.load(config.tokenizer());
        }
        return ServerTokenCounter.probe(http, config.baseUrl(), model, config.setupTimeout(), config.headers())
                .<TokenCounter>map(c -> c)
                .orElseGet(WordTokenCounter::new);
    }

    /** {@code data[0].id} of {@code GET /v1/models} (vLLM's bench does the same), or null. */
    static String discoverModel(HttpClient http, BenchConfig config) throws InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(config.baseUrl() + "/v1/models"))
                .timeout(config.setupTimeout()).GET();
        config.headers().forEach(rb::header);
        try {
            HttpResponse<String> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (resp.statusCode() != 200) {
                return null;
            }
            JsonNode id = JSON.readTree(resp.body()).path("data").path(0).path("id");
            return id.isTextual() && !id.asText().isEmpty() ? id.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
