package dev.llmstream.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * Parses human time spans: a number with an optional unit {@code ns}, {@code us}, {@code ms}, {@code s},
 * {@code m}, {@code h} ({@code 500ms}, {@code 0.5s}, {@code 2m}). A bare number takes the caller's default
 * unit: seconds for run lengths and timeouts, milliseconds for SLOs (as vLLM's {@code --goodput ttft:500}).
 */
public final class TimeSpec {
    private TimeSpec() {
    }

    /** Nanoseconds of {@code text}; a bare number is in {@code defaultUnitNanos}. */
    public static long parseNanos(String text, long defaultUnitNanos) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int end = t.length();
        while (end > 0 && Character.isLetter(t.charAt(end - 1))) {
            end--;
        }
        String number = t.substring(0, end).strip();
        String unit = t.substring(end);
        long scale = switch (unit) {
            case "" -> defaultUnitNanos;
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s", "sec" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("unknown time unit '" + unit + "' in '" + text
                    + "' (use ns, us, ms, s, m or h)");
        };
        double v;
        try {
            v = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a time like 500ms, 2s or 5m, got '" + text + "'");
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("time must be a finite number >= 0, got '" + text + "'");
        }
        return Math.round(v * scale);
    }

    /** A {@link Duration}; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        return Duration.ofNanos(parseNanos(text, 1_000_000_000L));
    }

    /** Milliseconds as a double; a bare number is milliseconds. */
    public static double parseMillis(String text) {
        return parseNanos(text, 1_000_000L) / 1e6;
    }
}
