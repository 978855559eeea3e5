package dev.llmstream.bench.workload;

import java.util.random.RandomGenerator;

/**
 * A token length, fixed ({@code 128}) or uniform over a closed range ({@code 100:200}). vLLM's random
 * dataset expresses the same thing as {@code len} and {@code range_ratio r} (uniform over
 * {@code [len·(1−r), len·(1+r)]}); {@link #ofRatio} converts.
 */
public record TokenRange(int min, int max) {
    public TokenRange {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("token range must satisfy 1 <= min <= max, is " + min + ":" + max);
        }
    }

    public static TokenRange fixed(int n) {
        return new TokenRange(n, n);
    }

    /** vLLM's {@code --random-range-ratio}: uniform over {@code [len·(1−r), len·(1+r)]}, at least 1. */
    public static TokenRange ofRatio(int len, double ratio) {
        if (ratio < 0 || ratio >= 1) {
            throw new IllegalArgumentException("range ratio must be in [0, 1), is " + ratio);
        }
        return new TokenRange(Math.max(1, (int) Math.floor(len * (1 - ratio))), (int) Math.ceil(len * (1 + ratio)));
    }

    /** Parses {@code N} or {@code MIN:MAX}. */
    public static TokenRange parse(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        try {
            if (colon < 0) {
                return fixed(Integer.parseInt(t));
            }
            return new TokenRange(Integer.parseInt(t.substring(0, colon).strip()),
                    Integer.parseInt(t.substring(colon + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a token count N or a range MIN:MAX, got '" + text + "'");
        }
    }

    public boolean isFixed() {
        return min == max;
    }

    /** A length drawn uniformly from the range. */
    public int draw(RandomGenerator random) {
        return isFixed() ? min : random.nextInt(min, max + 1);
    }

    @Override
    public String toString() {
        return isFixed() ? Integer.toString(min) : min + ":" + max;
    }
}
