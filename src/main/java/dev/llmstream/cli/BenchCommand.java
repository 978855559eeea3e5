package dev.llmstream.cli;

import dev.llmstream.bench.BenchConfig;
import dev.llmstream.bench.BenchReport;
import dev.llmstream.bench.BenchRunner;
import dev.llmstream.bench.LoadShape;
import dev.llmstream.bench.Slo;
import dev.llmstream.bench.SweepSpec;
import dev.llmstream.bench.TimeSpec;
import dev.llmstream.bench.report.ConsoleListener;
import dev.llmstream.bench.report.HtmlReport;
import dev.llmstream.bench.report.ReportComparison;
import dev.llmstream.bench.report.ReportJson;
import dev.llmstream.bench.report.TerminalReport;
import dev.llmstream.bench.workload.TokenRange;
import dev.llmstream.bench.workload.Workload;
import dev.llmstream.bench.workload.WorkloadSpec;
import dev.llmstream.bench.workload.Workloads;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llmstream bench}: wiring only — options to a {@link BenchConfig}, {@link BenchRunner} to run it,
 * report writers for the outputs. Definitions and the JSON schema are in docs/bench.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test any OpenAI-compatible streaming server (llmstream, vLLM, llama.cpp, TensorRT-LLM):",
            "TTFT, TPOT, ITL and e2e from client-side SSE timestamps, throughput, goodput, JSON/HTML reports."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:run done and at least one request completed (or --compare printed)",
            "1:no request completed, or a file could not be read or written", "2:bad command line"})
public final class BenchCommand implements Callable<Integer> {
    /** Request bound of a run bounded by --duration alone. */
    private static final int DURATION_ONLY_REQUESTS = 10_000_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", description = "server root, e.g. http://127.0.0.1:8080 (a trailing /v1 is fine)")
    String url;
    @Option(names = "--endpoint", defaultValue = "chat", description = "chat or completions (default: ${DEFAULT-VALUE})")
    BenchConfig.Endpoint endpoint;
    @Option(names = "--model", description = "model name (default: first id of GET /v1/models)")
    String model;
    @Option(names = "--requests", description = "measured requests (default: 100, or unbounded with --duration)")
    Integer requests;
    @Option(names = "--duration", description = "stop starting requests after this long, e.g. 60s, 5m")
    String duration;
    @Option(names = "--concurrency", description = "closed loop: clients with one request each in flight (default: 1)")
    Integer concurrency;
    @Option(names = "--rate", description = "open loop: requests per second (or inf); latency counts from the scheduled time")
    String rate;
    @Option(names = "--arrival", defaultValue = "poisson", description = "open-loop gaps: poisson, constant, gamma (default: ${DEFAULT-VALUE})")
    LoadShape.Arrival arrival;
    @Option(names = "--burstiness", defaultValue = "1.0", description = "gamma shape for --arrival gamma, as vLLM's (default: ${DEFAULT-VALUE})")
    double burstiness;
    @Option(names = "--max-concurrency", defaultValue = "0", description = "open-loop cap on requests in flight; 0 = none")
    int maxConcurrency;
    @Option(names = "--warmup", defaultValue = "0", description = "unmeasured requests first (default: ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--ramp-up", description = "closed loop: start clients evenly over this; open loop: raise the rate linearly over it")
    String rampUp;
    @Option(names = "--workload", defaultValue = "random", description = "random, shared-prefix, edit, or a JSONL file (default: ${DEFAULT-VALUE})")
    String workload;
    @Option(names = "--input-len", defaultValue = "128", description = "prompt tokens, N or MIN:MAX (default: ${DEFAULT-VALUE})")
    String inputLen;
    @Option(names = "--output-len", defaultValue = "128", description = "max_tokens, N or MIN:MAX (default: ${DEFAULT-VALUE})")
    String outputLen;
    @Option(names = "--prefix-len", defaultValue = "1024", description = "shared-prefix: prefix tokens (default: ${DEFAULT-VALUE})")
    int prefixLen;
    @Option(names = "--num-prefixes", defaultValue = "4", description = "shared-prefix: distinct prefixes (default: ${DEFAULT-VALUE})")
    int numPrefixes;
    @Option(names = "--tokenizer", paramLabel = "FILE.gguf", description = "count tokens with this GGUF's tokenizer instead of the server's /tokenize")
    Path tokenizer;
    @Option(names = "--ignore-eos", description = "send ignore_eos and min_tokens = max_tokens (fixed output length)")
    boolean ignoreEos;
    @Option(names = "--temperature", defaultValue = "0", description = "sampling temperature, or 'none' to omit (default: ${DEFAULT-VALUE}, greedy)")
    String temperature;
    @Option(names = "--extra-body", paramLabel = "JSON", description = "JSON object merged into every request body")
    String extraBody;
    @Option(names = {"-H", "--header"}, paramLabel = "NAME:VALUE", description = "extra HTTP header (repeatable)")
    List<String> headers;
    @Option(names = "--api-key", description = "sent as Authorization: Bearer KEY")
    String apiKey;
    @Option(names = "--timeout", defaultValue = "300s", description = "per request, to the end of the stream (default: ${DEFAULT-VALUE})")
    String timeout;
    @Option(names = "--slo", description = "goodput objectives, e.g. ttft=500ms,tpot=50ms,e2e=10s, or a profile file")
    String slo;
    @Option(names = "--scrape-metrics", description = "scrape URL/metrics before and after and report deltas")
    boolean scrapeMetrics;
    @Option(names = "--metrics-url", description = "Prometheus endpoint to scrape (implies --scrape-metrics)")
    String metricsUrl;
    @Option(names = "--seed", defaultValue = "0", description = "seed of prompts and arrivals (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--save-text", description = "keep each output text in the JSON report")
    boolean saveText;
    @Option(names = "--json-out", paramLabel = "FILE", description = "write the JSON report")
    Path jsonOut;
    @Option(names = "--html-out", paramLabel = "FILE", description = "write a self-contained HTML report")
    Path htmlOut;
    @Option(names = "--sweep", paramLabel = "PARAM=V1,V2", description = "a series of runs: concurrency, rate, max-concurrency, input-len or output-len")
    String sweep;
    @Option(names = "--compare", arity = "2", paramLabel = "FILE", description = "print two JSON reports side by side (no run)")
    List<Path> compare;
    @Option(names = "--dump-workload", paramLabel = "FILE", description = "write the workload as JSONL and exit (no run)")
    Path dumpWorkload;
    @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, lines or silent (default: ${DEFAULT-VALUE})")
    Progress.Mode progress;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (compare != null) {
            return compare(out);
        }
        BenchConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (dumpWorkload != null) {
            try {
                Workload w = BenchRunner.buildWorkload(config);
                Workloads.writeJsonl(w, dumpWorkload);
                System.err.println("bench: wrote " + w.prompts().size() + " prompts to " + dumpWorkload
                        + " (token counting: " + w.counting().description() + ")");
                return 0;
            } catch (IOException e) {
                System.err.println("bench: " + e.getMessage());
                return 1;
            }
        }
        ConsoleListener listener = new ConsoleListener(System.err, progress);
        SweepSpec sweepSpec = sweep == null ? null : parse(() -> SweepSpec.parse(sweep));
        List<BenchReport> reports;
        try {
            reports = sweepSpec == null ? List.of(BenchRunner.run(config, listener))
                    : BenchRunner.sweep(config, sweepSpec, listener);
        } catch (IOException e) {
            System.err.println("bench: " + e.getMessage());
            return 1;
        }
        reports.forEach(r -> TerminalReport.print(r, out));
        if (sweepSpec != null) {
            TerminalReport.printSweep(reports, out);
        }
        if (jsonOut != null) {
            ReportJson.write(jsonOut, reports, sweepSpec);
            System.err.println("bench: wrote " + jsonOut);
        }
        if (htmlOut != null) {
            HtmlReport.write(htmlOut, reports, sweepSpec);
            System.err.println("bench: wrote " + htmlOut);
        }
        return reports.stream().allMatch(r -> r.summary().completed() > 0) ? 0 : 1;
    }

    private int compare(PrintStream out) {
        try {
            boolean ok = ReportComparison.print(ReportJson.read(compare.get(0)), ReportJson.read(compare.get(1)),
                    compare.get(0).toString(), compare.get(1).toString(), out);
            return ok ? 0 : 1;
        } catch (IOException e) {
            System.err.println("bench: " + e.getMessage());
            return 1;
        }
    }

    /** Options to a config; an {@link IllegalArgumentException} names the bad option. */
    BenchConfig config() {
        if (url == null) {
            throw new IllegalArgumentException("--url is required (or use --compare A.json B.json)");
        }
        if (rate != null && concurrency != null) {
            throw new IllegalArgumentException("--concurrency is the closed loop; with --rate use --max-concurrency for a cap");
        }
        BenchConfig.Builder b = BenchConfig.builder(url).endpoint(endpoint).model(model).warmup(warmup).seed(seed)
                .ignoreEos(ignoreEos).extraBody(extraBody).saveText(saveText).tokenizer(tokenizer)
                .timeout(TimeSpec.parseDuration(timeout));
        if (duration != null) {
            b.duration(TimeSpec.parseDuration(duration));
        }
        b.requests(requests != null ? requests : duration != null ? DURATION_ONLY_REQUESTS : 100);
        if (rate != null) {
            double r = rate.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(rate);
            b.load(new LoadShape.Open(r, arrival, burstiness, maxConcurrency));
        } else {
            b.load(new LoadShape.Closed(concurrency == null ? 1 : concurrency));
        }
        if (rampUp != null) {
            b.rampUp(TimeSpec.parseDuration(rampUp));
        }
        b.workload(WorkloadSpec.parse(workload, TokenRange.parse(inputLen), TokenRange.parse(outputLen), prefixLen,
                numPrefixes));
        b.temperature(temperature.equalsIgnoreCase("none") ? Double.NaN : Double.parseDouble(temperature));
        if (headers != null) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--header must be NAME:VALUE, got '" + h + "'");
                }
                b.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
            }
        }
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        if (slo != null) {
            try {
                b.slo(Slo.parseOrLoad(slo));
            } catch (IOException e) {
                throw new IllegalArgumentException("--slo: cannot read profile " + slo + " (" + e + ")");
            }
        }
        if (metricsUrl != null) {
            b.metricsUrl(URI.create(metricsUrl));
        } else if (scrapeMetrics) {
            b.scrapeMetrics();
        }
        return b.build();
    }

    private <T> T parse(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
