package dev.llmstream.telemetry;

import java.time.Instant;

/**
 * Converts the {@link System#nanoTime()} stamps the server and engines record (arrival, scheduled,
 * first token, step start...) to epoch nanoseconds for span and event timestamps. Anchored once:
 * spans then keep the monotonic clock's exact intervals (TTFT on a span equals the TTFT histogram's),
 * at the price of wall-clock drift over very long uptimes, which tracing tolerates.
 */
final class NanoClock {
    private final long epochAtAnchor;
    private final long nanoAtAnchor;

    NanoClock() {
        Instant now = Instant.now();
        this.nanoAtAnchor = System.nanoTime();
        this.epochAtAnchor = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Epoch nanoseconds of a {@code System.nanoTime()} value. */
    long epochNanos(long nanoTime) {
        return epochAtAnchor + (nanoTime - nanoAtAnchor);
    }

    /** Seconds between two nanoTime stamps, as semconv durations are written. */
    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
