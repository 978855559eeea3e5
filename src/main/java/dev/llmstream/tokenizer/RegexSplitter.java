package dev.llmstream.tokenizer;

import java.nio.CharBuffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
record RegexSplitter(Pattern pattern, boolean collapsed) implements SplitStage {

    /** {@code \p{N}} inside a class: the NUMBER placeholder and ASCII digits. */
    static final String NUMBER = SplitText.NUMBER + "0-9";
    /** {@code \p{L}} inside a class: the LETTER placeholder and ASCII letters. */
    static final String LETTER = SplitText.LETTER + "A-Za-z";
    /** {@code \p{P}} inside a class: the PUNCTUATION placeholder and {@code !"#%&'()*,-./:;?@[\]_{}}. */
    static final String PUNCTUATION = SplitText.PUNCTUATION
            + "\\x21-\\x23\\x25-\\x2A\\x2C-\\x2F\\x3A\\x3B\\x3F\\x40\\x5B-\\x5D\\x5F\\x7B\\x7D";

    /** A pattern over the collapsed view. */
    static RegexSplitter collapsed(String regex) {
        return new RegexSplitter(Pattern.compile(regex), true);
    }

    /** A pattern over the wide view (code points). */
    static RegexSplitter wide(String regex) {
        return new RegexSplitter(Pattern.compile(regex), false);
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
