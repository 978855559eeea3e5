package dev.llmstream.bench.workload;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a text of an exact token count from growing prefixes of units (words, lines of code, sentences)
 * with nothing but a token counter, so it works against any server that tokenizes.
 *
 * <p>Search: guess the unit count from the tokens-per-unit seen so far, count, and step by the secant
 * estimate while keeping the guess strictly between the largest count known to be under the target and
 * the smallest known to be over it (so it always terminates). A unit may add several tokens, so no unit
 * count may land exactly; then, when padding is allowed, single-token fillers ({@code " a"}, one token in
 * SentencePiece and byte-level BPE vocabularies alike) are appended to the largest text under the target
 * and the overshoot, if any, taken back. Usually 2–5 counts per prompt. If nothing lands exactly the
 * closest text under the target is returned with its true count and {@code exact == false}.
 */
public final class PromptSizer {
    /** A text and its token count as the counter sees it. */
    public record Sized(String text, int tokens, boolean exact) {
    }

    /** Text made of the first {@code k} units (token count non-decreasing in {@code k}). */
    @FunctionalInterface
    public interface Units {
        String render(int k);
    }

    private static final int MAX_COUNTS = 16;
    private static final int MAX_PAD_TRIES = 3;
    private static final String FILLER = " a";

    private final TokenCounter counter;
    /** Learned across prompts so later prompts start close; a race only costs an extra count. */
    private volatile double tokensPerUnit = 1.0;

    public PromptSizer(TokenCounter counter) {
        this.counter = counter;
    }

    public TokenCounter counter() {
        return counter;
    }

    /**
     * The text of {@code units} closest to {@code target} tokens from below, exact when possible.
     *
     * @param maxUnits units available ({@code render} accepts 0..maxUnits)
     * @param pad whether fillers may be appended to land exactly (plain random text only)
     */
    public Sized fit(int target, Units units, int maxUnits, boolean pad) throws IOException {
        Map<Integer, Integer> counts = new HashMap<>();
        int lo = -1;
        int loCount = -1;
        int hi = maxUnits + 1;
        int k = (int) Math.max(1, Math.min(maxUnits, Math.round(target / tokensPerUnit)));
        for (int n = 0; n < MAX_COUNTS; n++) {
            int c = count(counts, units, k);
            if (k > 0 && c > 0) {
                tokensPerUnit = (double) c / k;
            }
            if (c == target) {
                return new Sized(units.render(k), c, true);
            }
            if (c < target) {
                if (k > lo) {
                    lo = k;
                    loCount = c;
                }
            } else if (k < hi) {
                hi = k;
            }
            if (hi - Math.max(lo, 0) <= 1 || (c < target && k >= maxUnits)) {
                break;
            }
            int next = k + (int) Math.round((target - c) / Math.max(tokensPerUnit, 1e-3));
            next = Math.clamp(next, Math.max(lo, 0) + 1, hi - 1);
            if (next == k) {
                next = c < target ? Math.min(k + 1, hi - 1) : Math.max(k - 1, Math.max(lo, 0) + 1);
            }
            if (next == k) {
                break;
            }
            k = next;
        }
        if (lo < 0) {
            // Even the fewest units overshoot (a long fixed instruction): give the smallest text, inexact.
            int smallest = Math.min(hi, maxUnits);
            return new Sized(units.render(smallest), count(counts, units, smallest), false);
        }
        String base = units.render(lo);
        if (pad) {
            int fillers = target - loCount;
            for (int t = 0; t < MAX_PAD_TRIES && fillers > 0; t++) {
                String padded = base + FILLER.repeat(fillers);
                int c = counter.count(padded);
                if (c == target) {
                    return new Sized(padded, c, true);
                }
                fillers -= c - target;
            }
        }
        return new Sized(base, loCount, false);
    }

    private int count(Map<Integer, Integer> counts, Units units, int k) throws IOException {
        Integer known = counts.get(k);
        if (known != null) {
            return known;
        }
        int c = counter.count(units.render(k));
        counts.put(k, c);
        return c;
    }
}
