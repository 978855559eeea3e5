package dev.llmstream.bench.report;

import dev.llmstream.bench.BenchRunner;
import dev.llmstream.bench.RequestRecord;
import dev.llmstream.util.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows a run on the terminal while it goes: setup notes, then a {@link Progress} bar per phase on stderr
 * (requests done of the count, or seconds elapsed of the duration when the run is bounded by time only),
 * and a count of failures at the end of each phase. Thread-safe: request threads call it.
 */
public final class ConsoleListener implements BenchRunner.Listener {
    /** Counts above this are treated as "no count bound" (a duration-bound run). */
    private static final int UNBOUNDED = 1_000_000;

    private final PrintStream err;
    private final Progress.Mode mode;
    private volatile Progress progress;
    private volatile boolean bySeconds;
    private volatile long phaseStart;
    private final AtomicLong secondsReported = new AtomicLong();
    private final AtomicInteger failed = new AtomicInteger();

    public ConsoleListener(PrintStream err, Progress.Mode mode) {
        this.err = err;
        this.mode = mode;
    }

    @Override
    public void note(String message) {
        if (mode != Progress.Mode.SILENT) {
            err.println("bench: " + message);
        }
    }

    @Override
    public void phaseStarted(String phase, int requests, Duration duration) {
        failed.set(0);
        secondsReported.set(0);
        phaseStart = System.nanoTime();
        bySeconds = requests >= UNBOUNDED && duration != null;
        long total = bySeconds ? Math.max(1, duration.toSeconds()) : requests;
        progress = Progress.start(phase + (bySeconds ? " (seconds)" : " (requests)"), total, Progress.Unit.ITEMS,
                mode, err, System::nanoTime);
    }

    @Override
    public void requestDone(String phase, RequestRecord record) {
        if (!record.ok()) {
            failed.incrementAndGet();
        }
        Progress p = progress;
        if (p == null) {
            return;
        }
        if (!bySeconds) {
            p.advance(1);
            return;
        }
        long elapsed = Math.min(p.total(), (System.nanoTime() - phaseStart) / 1_000_000_000L);
        long before = secondsReported.getAndAccumulate(elapsed, Math::max);
        if (elapsed > before) {
            p.advance(elapsed - before);
        }
    }

    @Override
    public void phaseEnded(String phase) {
        Progress p = progress;
        if (p != null) {
            p.done();
        }
        if (failed.get() > 0 && mode != Progress.Mode.SILENT) {
            err.println("bench: " + phase + ": " + failed.get() + " request(s) failed");
        }
    }
}
