package dev.llmstream.bench;

import java.time.Instant;
import java.util.List;

/**
 * The result of one run: what was run against what, the aggregates and every request record. Written as
 * JSON by {@code report.ReportJson} (schema in docs/bench.md), printed by {@code report.TerminalReport},
 * drawn by {@code report.HtmlReport}.
 *
 * @param label name within a sweep ({@code concurrency=4}), or null for a single run
 * @param startedAt wall-clock start of the measured part (after warm-up)
 * @param config the run's configuration
 * @param endpointUrl the URL requests went to
 * @param model model name sent, or null when none was known
 * @param modelSource {@code config} or {@code /v1/models}, or {@code none}
 * @param workload one-line description of the prompts
 * @param tokenCounting how prompt lengths were counted ({@code server_tokenize}, {@code local_gguf}, ...)
 * @param tokenCountingExact whether those counts are the server's own
 * @param workloadPrompts distinct prompts (requests cycle through them)
 * @param notes caveats worth reading next to the numbers
 * @param summary aggregates of the measured requests
 * @param requests measured requests in index order
 * @param serverMetrics Prometheus deltas, or null when not scraped
 */
public record BenchReport(
        String label, Instant startedAt, BenchConfig config, String endpointUrl, String model, String modelSource,
        String workload, String tokenCounting, boolean tokenCountingExact, int workloadPrompts, List<String> notes,
        Summary summary, List<RequestRecord> requests, ServerMetrics.Delta serverMetrics) {
    public BenchReport {
        notes = List.copyOf(notes);
        requests = List.copyOf(requests);
    }

    /** The same report under a sweep label. */
    public BenchReport withLabel(String newLabel) {
        return new BenchReport(newLabel, startedAt, config, endpointUrl, model, modelSource, workload, tokenCounting,
                tokenCountingExact, workloadPrompts, notes, summary, requests, serverMetrics);
    }
}
