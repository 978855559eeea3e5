package dev.llmstream.tokenizer;

import static dev.llmstream.tokenizer.CodepointFlags.LETTER;
import static dev.llmstream.tokenizer.CodepointFlags.NUMBER;
import static dev.llmstream.tokenizer.CodepointFlags.WHITESPACE;

/**
 * Hand-written equivalents of the three most common byte-level BPE pre-tokenizer regexes. llama.cpp
 * does not run these through std::regex either ({@code unicode_regex_split_custom_gpt2/llama3/qwen2}),
 * and its hand-written versions are the behaviour the test vectors pin down, so these follow the
 * same decision order, piece by piece:
 *
 * <pre>
 * GPT2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * LLAMA3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*
 *         |\s*[\r\n]+|\s+(?!\S)|\s+
 * QWEN2:  as LLAMA3 but \p{N} (one digit per piece) instead of \p{N}{1,3}
 * </pre>
 *
 * Categories and whitespace are {@link CodepointFlags}'s. Each chunk is split on its own: a
 * position past the chunk's end has no flags at all, so e.g. {@code \s+(?!\S)} treats the chunk
 * end as end of text.
 */
enum CategorySplitter implements SplitStage {
    GPT2(false, 0),
    LLAMA3(true, 3),
    QWEN2(true, 1);

    /** LLAMA3/QWEN2 family: case-insensitive contractions, an optional non-letter before a word,
     * trailing newlines kept with punctuation, and newline-ending whitespace runs. */
    private final boolean llamaStyle;
    /** Most digits in one piece (LLAMA3/QWEN2); GPT2 takes a whole run. */
    private final int maxDigits;

    CategorySplitter(boolean llamaStyle, int maxDigits) {
        this.llamaStyle = llamaStyle;
        this.maxDigits = maxDigits;
    }

    @Override
    public void split(SplitText text, int start, int end, IntList out) {
        Chunk c = new Chunk(text.cps, end);
        int pos = start;
        while (pos < end) {
            int next = llamaStyle ? llamaPiece(c, pos) : gpt2Piece(c, pos);
            out.add(next - pos);
            pos = next;
        }
    }

    /** The chunk's code points; lookups past its end answer "nothing there". */
    private record Chunk(int[] cps, int end) {
        static final int NONE = -1;

        int cp(int i) {
            return i < end ? cps[i] : NONE;
        }

        int flags(int i) {
            return i < end ? CodepointFlags.of(cps[i]) : 0;
        }

        boolean is(int i, int flag) {
            return (flags(i) & flag) != 0;
        }

        /** Neither whitespace, letter nor number, and inside the chunk: {@code [^\s\p{L}\p{N}]}. */
        boolean isOther(int i) {
            int f = flags(i);
            return f != 0 && (f & (WHITESPACE | LETTER | NUMBER)) == 0;
        }

        int skipWhile(int i, int flag) {
            while (is(i, flag)) {
                i++;
            }
            return i;
        }

        int skipOther(int i) {
            while (isOther(i)) {
                i++;
            }
            return i;
        }
    }

    /** End of a contraction piece {@code 's 't 'm 'd 're 've 'll} starting at {@code pos}, or -1. */
    private static int contraction(Chunk c, int pos, boolean ignoreCase) {
        if (c.cp(pos) != '\'' || pos + 1 >= c.end()) {
            return -1;
        }
        int a = ignoreCase ? CodepointFlags.toLower(c.cp(pos + 1)) : c.cp(pos + 1);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') {
            return pos + 2;
        }
        if (pos + 2 < c.end()) {
            int b = ignoreCase ? CodepointFlags.toLower(c.cp(pos + 2)) : c.cp(pos + 2);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return pos + 3;
            }
        }
        return -1;
    }

    private static int gpt2Piece(Chunk c, int pos) {
        int end = contraction(c, pos, false);
        if (end > 0) {
            return end;
        }
        boolean space = c.cp(pos) == ' ';
        int body = space ? pos + 1 : pos; // " ?" : an optional leading space
        if (c.is(body, LETTER)) {
            return c.skipWhile(body, LETTER);
        }
        if (c.is(body, NUMBER)) {
            return c.skipWhile(body, NUMBER);
        }
        if (c.isOther(body)) {
            return c.skipOther(body);
        }
        return whitespacePiece(c, pos, false);
    }

    private int llamaPiece(Chunk c, int pos) {
        int end = contraction(c, pos, true);
        if (end > 0) {
            return end;
        }
        int cp = c.cp(pos);
        int flags = c.flags(pos);
        // [^\r\n\p{L}\p{N}]?\p{L}+ : a letter run, optionally led by one non-letter non-digit
        if (cp != '\r' && cp != '\n' && (flags & NUMBER) == 0
                && ((flags & LETTER) != 0 || c.is(pos + 1, LETTER))) {
            return c.skipWhile(pos + 1, LETTER);
        }
        // \p{N}{1,maxDigits}
        if ((flags & NUMBER) != 0) {
            int runEnd = c.skipWhile(pos, NUMBER);
            return Math.min(runEnd, pos + maxDigits);
        }
        // " ?[^\s\p{L}\p{N}]+[\r\n]*" ; entered on a lone trailing space too (it then takes just the
        // space, exactly what the whitespace rules would have taken)
        int body = cp == ' ' ? pos + 1 : pos;
        int bodyFlags = c.flags(body);
        if ((bodyFlags & (WHITESPACE | LETTER | NUMBER)) == 0 && flags != 0) {
            int i = c.skipOther(body);
            while (c.cp(i) == '\r' || c.cp(i) == '\n') {
                i++;
            }
            return i;
        }
        return whitespacePiece(c, pos, true);
    }

    /**
     * Whitespace rules at {@code pos}: {@code \s*[\r\n]+} (LLAMA3/QWEN2 only: up to and including
     * the last CR/LF of the run), then {@code \s+(?!\S)} (the run minus its last character when
     * something follows it in the chunk), then {@code \s+}; a position matching none of them is a
     * one-character piece.
     */
    private static int whitespacePiece(Chunk c, int pos, boolean newlineRule) {
        int i = pos;
        int afterLastNewline = -1;
        while (c.is(i, WHITESPACE)) {
            if (c.cp(i) == '\r' || c.cp(i) == '\n') {
                afterLastNewline = i + 1;
            }
            i++;
        }
        int n = i - pos;
        if (newlineRule && afterLastNewline > 0) {
            return afterLastNewline;
        }
        if (n > 1 && i < c.end()) {
            return i - 1;
        }
        if (n > 0) {
            return i;
        }
        return pos + 1;
    }
}
