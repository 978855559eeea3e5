package dev.llmstream.bench;

import org.HdrHistogram.Histogram;

/**
 * Summary statistics of one latency metric, in milliseconds: count, mean, standard deviation, min,
 * P50/P90/P95/P99, max. Mean, standard deviation (population), min and max are exact; percentiles come
 * from an HdrHistogram with 3 significant digits (within 0.1%), the same structure wrk2, Gatling and
 * AIPerf use, and are clamped to [min, max]. An empty distribution has count 0 and NaN elsewhere.
 */
public record Distribution(int count, double mean, double std, double min, double p50, double p90, double p95,
                           double p99, double max) {
    public static final Distribution EMPTY = new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    private static final int SIGNIFICANT_DIGITS = 3;

    /** Statistics of nanosecond samples (negative samples are dropped: they mean "not measured"). */
    public static Distribution ofNanos(long[] samples) {
        double[] d = new double[samples.length];
        for (int i = 0; i < samples.length; i++) {
            d[i] = samples[i];
        }
        return ofNanos(d);
    }

    /** Statistics of nanosecond samples; NaN and negative samples are dropped. */
    public static Distribution ofNanos(double[] samples) {
        Histogram h = new Histogram(SIGNIFICANT_DIGITS);
        int n = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : samples) {
            if (Double.isNaN(v) || v < 0) {
                continue;
            }
            n++;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            h.recordValue(Math.round(v));
        }
        if (n == 0) {
            return EMPTY;
        }
        double mean = sum / n;
        double sq = 0;
        for (double v : samples) {
            if (!Double.isNaN(v) && v >= 0) {
                sq += (v - mean) * (v - mean);
            }
        }
        double lo = min;
        double hi = max;
        java.util.function.DoubleUnaryOperator pct = p -> Math.clamp((double) h.getValueAtPercentile(p), lo, hi) / 1e6;
        return new Distribution(n, mean / 1e6, Math.sqrt(sq / n) / 1e6, min / 1e6, pct.applyAsDouble(50),
                pct.applyAsDouble(90), pct.applyAsDouble(95), pct.applyAsDouble(99), max / 1e6);
    }

    /** A percentile by name ({@code p50}, {@code p90}, {@code p95}, {@code p99}, {@code max}, {@code mean}). */
    public double get(String stat) {
        return switch (stat) {
            case "mean" -> mean;
            case "std" -> std;
            case "min" -> min;
            case "p50" -> p50;
            case "p90" -> p90;
            case "p95" -> p95;
            case "p99" -> p99;
            case "max" -> max;
            default -> throw new IllegalArgumentException("unknown statistic " + stat);
        };
    }
}
