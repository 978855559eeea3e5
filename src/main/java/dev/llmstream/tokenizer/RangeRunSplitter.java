package dev.llmstream.tokenizer;

import java.util.Arrays;

/**
 * A pattern {@code [C]+}, or {@code \s?[C]+} with {@code optionalSpace}, where C is a literal set of
 * code point ranges, on the wide view (non-ASCII whitespace reads as U+000B, see
 * {@link SplitText}); every match is a piece and so is the text between matches, as in
 * {@link RegexSplitter}. DeepSeek's pre-tokenizers spell classes this way with up to 87 ranges,
 * which {@code java.util.regex} tests one range after the other for every character; here a bit
 * table answers for the BMP and a binary search over the sorted ranges for the rest.
 *
 * <p>Matching is the regex's leftmost-greedy one: at each position, whitespace followed by a
 * member starts a match there, else a member does; the match runs to the last consecutive member.
 * (No class here contains whitespace, so the two cases never compete.)
 */
record RangeRunSplitter(int[] starts, int[] ends, long[] bmpMembers, boolean optionalSpace) implements SplitStage {

    /** @param ranges inclusive {@code first, last} pairs, sorted and disjoint */
    static RangeRunSplitter of(boolean optionalSpace, int... ranges) {
        int n = ranges.length / 2;
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            starts[i] = ranges[2 * i];
            ends[i] = ranges[2 * i + 1];
            if (ends[i] < starts[i] || (i > 0 && starts[i] <= ends[i - 1])) {
                throw new IllegalArgumentException("ranges must be sorted and disjoint at pair " + i);
            }
        }
        long[] bmp = new long[0x10000 / 64]; // membership of every BMP code point, one bit each
        for (int i = 0; i < n; i++) {
            for (int cp = starts[i]; cp <= Math.min(ends[i], 0xFFFF); cp++) {
                if (!(cp > 0x7F && CodepointFlags.isWhitespace(cp))) { // those read as U+000B
                    bmp[cp >>> 6] |= 1L << cp;
                }
            }
        }
        return new RangeRunSplitter(starts, ends, bmp, optionalSpace);
    }

    @Override
    public void split(SplitText text, int start, int end, IntList out) {
        int[] cps = text.cps;
        int prev = start;
        int p = start;
        while (p < end) {
            int run;
            if (optionalSpace && isSpace(cps[p]) && p + 1 < end && isMember(cps[p + 1])) {
                run = p + 1;
            } else if (isMember(cps[p])) {
                run = p;
            } else {
                p++;
                continue;
            }
            int q = run;
            while (q < end && isMember(cps[q])) {
                q++;
            }
            if (p > prev) {
                out.add(p - prev);
            }
            out.add(q - p);
            prev = q;
            p = q;
        }
        if (prev < end) {
            out.add(end - prev);
        }
    }

    /** {@code \s} on the wide view: ASCII whitespace, and any other whitespace (seen as U+000B). */
    private static boolean isSpace(int cp) {
        return cp == ' ' || (cp >= '\t' && cp <= '\r') || (cp > 0x7F && CodepointFlags.isWhitespace(cp));
    }

    private boolean isMember(int cp) {
        if (cp < 0x10000) {
            return (bmpMembers[cp >>> 6] & (1L << cp)) != 0;
        }
        int i = Arrays.binarySearch(starts, cp);
        if (i >= 0) {
            return true;
        }
        int below = -i - 2; // the last range starting before cp
        return below >= 0 && cp <= ends[below];
    }
}
