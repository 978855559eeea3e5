package dev.llmstream.util;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress of one long-running piece of work (synthesizing a model, later loading one), safe to
 * advance from many threads at once.
 *
 * <p>On a terminal it redraws one bar line on stderr with {@code \r}, at most every
 * {@value #REDRAW_MILLIS} ms; otherwise (logs, CI, pipes) it prints plain lines: one at the start,
 * one at each quarter, and one when done with the duration. Since JDK 22 {@link System#console()}
 * also returns a console when the streams are redirected, so "terminal" means
 * {@code System.console() != null && console.isTerminal()}.
 *
 * <p>Quantities are counts of a unit; {@link Unit#BYTES} prints them as MB.
 */
public final class Progress implements AutoCloseable {
    static final long REDRAW_MILLIS = 100;
    private static final int BAR_WIDTH = 30;

    /** Where and how progress shows. */
    public enum Mode {
        /** Terminal bar when stderr is an interactive terminal, log lines otherwise. */
        AUTO,
        /** Bar redrawn in place. */
        BAR,
        /** Start, quarter and done lines. */
        LINES,
        /** Nothing at all (tests, embedding callers that report themselves). */
        SILENT
    }

    public enum Unit { BYTES, ITEMS }

    private final String label;
    private final long total;
    private final Unit unit;
    private final Mode mode;
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final AtomicLong done = new AtomicLong();
    private final AtomicInteger quartersReported = new AtomicInteger();
    private final AtomicLong lastDrawNanos = new AtomicLong();
    private final AtomicBoolean finished = new AtomicBoolean();

    private Progress(String label, long total, Unit unit, Mode mode, PrintStream out, LongSupplier nanoClock) {
        this.label = Objects.requireNonNull(label, "label");
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, is " + total);
        }
        this.total = total;
        this.unit = Objects.requireNonNull(unit, "unit");
        this.mode = resolve(Objects.requireNonNull(mode, "mode"));
        this.out = Objects.requireNonNull(out, "out");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.startNanos = nanoClock.getAsLong();
        this.lastDrawNanos.set(startNanos);
        if (this.mode == Mode.LINES) {
            line("started (" + amount(total) + ")");
        } else if (this.mode == Mode.BAR) {
            draw(0);
        }
    }

    /** Starts reporting on stderr. */
    public static Progress start(String label, long total, Unit unit, Mode mode) {
        return new Progress(label, total, unit, mode, System.err, System::nanoTime);
    }

    /** Starts reporting to {@code out} with an injectable clock (tests). */
    public static Progress start(String label, long total, Unit unit, Mode mode, PrintStream out,
                                 LongSupplier nanoClock) {
        return new Progress(label, total, unit, mode, out, nanoClock);
    }

    private static Mode resolve(Mode m) {
        if (m != Mode.AUTO) {
            return m;
        }
        Console c = System.console();
        return c != null && c.isTerminal() ? Mode.BAR : Mode.LINES;
    }

    /** The mode in effect ({@link Mode#AUTO} resolved). */
    public Mode mode() {
        return mode;
    }

    public long completed() {
        return done.get();
    }

    public long total() {
        return total;
    }

    /** Records {@code n} more units done; any thread may call this. */
    public void advance(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot advance by " + n);
        }
        long now = done.addAndGet(n);
        if (finished.get()) {
            return;
        }
        switch (mode) {
            case LINES -> reportQuarters(now);
            case BAR -> maybeDraw(now);
            default -> { }
        }
    }

    private void reportQuarters(long now) {
        // Quarter 4 is left to done(), which also prints the duration. A call that jumps past several
        // quarters reports only the latest; under the lock lines stay in order and never repeat, even
        // when a thread that crossed 25% is overtaken by one that crossed 50% (its line is then dropped).
        int quarter = total == 0 ? 4 : (int) Math.min(3, now * 4 / total);
        if (quarter <= quartersReported.get()) {
            return; // the common case: no lock
        }
        synchronized (this) {
            if (quarter > quartersReported.get()) {
                quartersReported.set(quarter);
                line(quarter * 25 + "% (" + amount(now) + " of " + amount(total) + ", " + seconds() + ")");
            }
        }
    }

    private void maybeDraw(long now) {
        long t = nanoClock.getAsLong();
        long last = lastDrawNanos.get();
        if (t - last >= REDRAW_MILLIS * 1_000_000L && lastDrawNanos.compareAndSet(last, t)) {
            draw(now);
        }
    }

    private synchronized void draw(long now) {
        if (finished.get() && now < total) {
            return;
        }
        double frac = total == 0 ? 1 : Math.min(1, (double) now / total);
        int filled = (int) Math.round(frac * BAR_WIDTH);
        String bar = "=".repeat(filled) + (filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "");
        out.print(String.format(Locale.ROOT, "\r%s [%s] %3d%% %s / %s %s", label, bar, (int) (frac * 100),
                amount(now), amount(total), seconds()));
        out.flush();
    }

    /** Finishes: the full bar and a newline, or the done line with the duration. Idempotent. */
    public void done() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        switch (mode) {
            case BAR -> {
                draw(Math.max(done.get(), total));
                synchronized (this) {
                    out.println();
                }
            }
            case LINES -> line("done, " + amount(done.get()) + " in " + seconds());
            default -> { }
        }
    }

    /** Same as {@link #done()}, so that try-with-resources always ends the bar line. */
    @Override
    public void close() {
        done();
    }

    public long elapsedNanos() {
        return nanoClock.getAsLong() - startNanos;
    }

    private synchronized void line(String text) {
        out.println(label + ": " + text);
        out.flush();
    }

    private String seconds() {
        return String.format(Locale.ROOT, "%.1fs", elapsedNanos() / 1e9);
    }

    private String amount(long n) {
        return unit == Unit.BYTES ? String.format(Locale.ROOT, "%.1f MB", n / 1e6) : n + " items";
    }
}
