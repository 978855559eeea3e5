package dev.llmstream.tokenizer;

import java.nio.CharBuffer;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One step of a pre-tokenizer. llama.cpp applies a list of patterns in order; each pattern
 * refines every chunk the previous ones produced (text between matches becomes a chunk of its
 * own), so a stage sees one chunk at a time and never looks across its edges. The hand-written
 * splitters are {@link CategorySplitter}; the pattern-based stages are nested here.
 */
sealed interface SplitStage permits CategorySplitter, SplitStage.Regex, SplitStage.RangeRun {

    /**
     * Splits the chunk {@code [start, end)} of {@code text} (code point indexes) and appends the
     * lengths of its pieces, in order, to {@code out}; the lengths are positive and sum to
     * {@code end - start}.
     */
    void split(SplitText text, int start, int end, IntList out);

    /**
     * A pre-tokenizer pattern run as llama.cpp runs the ones it has no hand-written splitter for
     * ({@code unicode_regex_split_stl}): every match is a piece, and so is every stretch of text
     * between matches. The pattern runs on the collapsed view when the original uses {@code \p{..}}
     * classes, else on the wide view (see {@link SplitText}). Matching is confined to the chunk: the
     * matcher's region has opaque bounds, so lookaheads and {@code \z} see the chunk's end as the end
     * of input, as they do for std::regex over an iterator range.
     *
     * <p>The patterns are written in Java syntax with the same meaning as llama.cpp's ECMAScript
     * ones; {@link #PUNCTUATION}, {@link #LETTER}, {@link #NUMBER} are what its collapsing rewrites
     * {@code \p{P}}, {@code \p{L}}, {@code \p{N}} into (the placeholder plus the ASCII members).
     */
    record Regex(Pattern pattern, boolean collapsed) implements SplitStage {

        /** {@code \p{N}} inside a class: the NUMBER placeholder and ASCII digits. */
        static final String NUMBER = SplitText.NUMBER + "0-9";
        /** {@code \p{L}} inside a class: the LETTER placeholder and ASCII letters. */
        static final String LETTER = SplitText.LETTER + "A-Za-z";
        /** {@code \p{P}} inside a class: the PUNCTUATION placeholder and {@code !"#%&'()*,-./:;?@[\]_{}}. */
        static final String PUNCTUATION = SplitText.PUNCTUATION
                + "\\x21-\\x23\\x25-\\x2A\\x2C-\\x2F\\x3A\\x3B\\x3F\\x40\\x5B-\\x5D\\x5F\\x7B\\x7D";

        /** A pattern over the collapsed view. */
        static Regex collapsed(String regex) {
            return new Regex(Pattern.compile(regex), true);
        }

        /** A pattern over the wide view (code points). */
        static Regex wide(String regex) {
            return new Regex(Pattern.compile(regex), false);
        }

        @Override
        public void split(SplitText text, int start, int end, IntList out) {
            CharBuffer view = collapsed ? text.collapsed() : text.wide();
            int from = collapsed ? start : text.wideIndexOf(start);
            int to = collapsed ? end : text.wideIndexOf(end);
            Matcher m = pattern.matcher(view);
            m.region(from, to);
            int prev = from;
            while (m.find()) {
                if (m.start() > prev) {
                    emit(text, prev, m.start(), out);
                }
                if (m.end() > m.start()) {
                    emit(text, m.start(), m.end(), out);
                }
                prev = m.end();
            }
            if (prev < to) {
                emit(text, prev, to, out);
            }
        }

        private void emit(SplitText text, int from, int to, IntList out) {
            out.add(collapsed ? to - from : text.cpIndexOfWide(to) - text.cpIndexOfWide(from));
        }
    }

    /**
     * A pattern {@code [C]+}, or {@code \s?[C]+} with {@code optionalSpace}, where C is a literal set of
     * code point ranges, on the wide view (non-ASCII whitespace reads as U+000B, see
     * {@link SplitText}); every match is a piece and so is the text between matches, as in
     * {@link Regex}. DeepSeek's pre-tokenizers spell classes this way with up to 87 ranges,
     * which {@code java.util.regex} tests one range after the other for every character; here a bit
     * table answers for the BMP and a binary search over the sorted ranges for the rest.
     *
     * <p>Matching is the regex's leftmost-greedy one: at each position, whitespace followed by a
     * member starts a match there, else a member does; the match runs to the last consecutive member.
     * (No class here contains whitespace, so the two cases never compete.)
     */
    record RangeRun(int[] starts, int[] ends, long[] bmpMembers, boolean optionalSpace) implements SplitStage {

        /** @param ranges inclusive {@code first, last} pairs, sorted and disjoint */
        static RangeRun of(boolean optionalSpace, int... ranges) {
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
            return new RangeRun(starts, ends, bmp, optionalSpace);
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
}
