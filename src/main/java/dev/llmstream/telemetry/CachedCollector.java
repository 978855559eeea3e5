package dev.llmstream.telemetry;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Serves another registry's series from a copy refreshed at most every {@code maxAgeNanos}: for
 * values that are expensive to read and change slowly (JVM memory pools, CPU load, file descriptors),
 * so that frequent scrapes (the inference gateway's every 50 ms) do not pay for them each time.
 * Concurrent scrapes may both refresh; either copy is fine.
 */
final class CachedCollector implements MultiCollector {
    private final PrometheusRegistry source;
    private final long maxAgeNanos;
    private volatile MetricSnapshots copy;
    private volatile long takenNanos;

    CachedCollector(PrometheusRegistry source, long maxAgeNanos) {
        this.source = source;
        this.maxAgeNanos = maxAgeNanos;
    }

    @Override
    public MetricSnapshots collect() {
        long now = System.nanoTime();
        MetricSnapshots c = copy;
        if (c == null || now - takenNanos > maxAgeNanos) {
            c = source.scrape();
            copy = c;
            takenNanos = now;
        }
        return c;
    }
}
