package dev.llmstream.tokenizer;

import java.nio.CharBuffer;

/**
 * The text being pre-tokenized, as code points, plus the two views llama.cpp's
 * {@code unicode_regex_split} runs its std::regex patterns on (both built lazily, once per text):
 *
 * <ul>
 *   <li><b>collapsed</b> – one char per code point, for patterns that use {@code \p{..}} classes:
 *       ASCII stays itself; other whitespace becomes U+000B (so {@code \s} matches it); any other
 *       code point becomes a placeholder for its category ({@link #NUMBER}, {@link #LETTER}, ...,
 *       {@link #OTHER}). A pattern then spells {@code \p{L}} as {@code [<LETTER>A-Za-z]}. This is
 *       how llama.cpp makes a byte-oriented regex engine understand Unicode categories; doing the
 *       same here (rather than using Java's own {@code \p{L}}) keeps every corner identical, e.g.
 *       non-ASCII whitespace matching {@code \s} but not {@code [^\s\p{L}]}-style classes.
 *   <li><b>wide</b> – the code points themselves, again with non-ASCII whitespace as U+000B, for
 *       patterns that spell their classes with literal non-ASCII ranges (DeepSeek's).
 * </ul>
 *
 * Positions handed to and returned by the split stages are code point indexes.
 */
final class SplitText {
    /** Placeholders of the collapsed view (private-use code points, never present in it otherwise). */
    static final char OTHER = '\uE0D0';
    static final char NUMBER = '\uE0D1';
    static final char LETTER = '\uE0D2';
    static final char PUNCTUATION = '\uE0D3';
    static final char MARK = '\uE0D4';
    static final char SYMBOL = '\uE0D5';

    final int[] cps;
    private CharBuffer collapsed;
    private CharBuffer wide;
    /** For the wide view: char index of code point i (length cps.length + 1). */
    private int[] wideCharIndex;
    /** For the wide view: code point index of char index c (length chars + 1; -1 inside a pair). */
    private int[] wideCpIndex;

    SplitText(int[] cps) {
        this.cps = cps;
    }

    int length() {
        return cps.length;
    }

    CharBuffer collapsed() {
        if (collapsed == null) {
            char[] chars = new char[cps.length];
            for (int i = 0; i < cps.length; i++) {
                chars[i] = collapse(cps[i]);
            }
            collapsed = CharBuffer.wrap(chars);
        }
        return collapsed;
    }

    private static char collapse(int cp) {
        if (cp < 0x80) {
            return (char) cp;
        }
        int flags = CodepointFlags.of(cp);
        if ((flags & CodepointFlags.WHITESPACE) != 0) {
            return '\u000B';
        }
        return switch (flags & CodepointFlags.CATEGORY_MASK) {
            case CodepointFlags.NUMBER -> NUMBER;
            case CodepointFlags.LETTER -> LETTER;
            case CodepointFlags.PUNCTUATION -> PUNCTUATION;
            case CodepointFlags.MARK -> MARK;
            case CodepointFlags.SYMBOL -> SYMBOL;
            default -> OTHER;
        };
    }

    CharBuffer wide() {
        if (wide == null) {
            StringBuilder sb = new StringBuilder(cps.length + 16);
            wideCharIndex = new int[cps.length + 1];
            for (int i = 0; i < cps.length; i++) {
                wideCharIndex[i] = sb.length();
                int cp = cps[i];
                sb.appendCodePoint(cp > 0x7F && CodepointFlags.isWhitespace(cp) ? 0x0B : cp);
            }
            wideCharIndex[cps.length] = sb.length();
            wideCpIndex = new int[sb.length() + 1];
            java.util.Arrays.fill(wideCpIndex, -1);
            for (int i = 0; i <= cps.length; i++) {
                wideCpIndex[wideCharIndex[i]] = i;
            }
            char[] chars = new char[sb.length()];
            sb.getChars(0, chars.length, chars, 0);
            wide = CharBuffer.wrap(chars);
        }
        return wide;
    }

    /** Char index in the wide view of code point index {@code cpIndex}. */
    int wideIndexOf(int cpIndex) {
        wide();
        return wideCharIndex[cpIndex];
    }

    /** Code point index of a char index of the wide view (which is always at a code point start). */
    int cpIndexOfWide(int charIndex) {
        wide();
        int i = wideCpIndex[charIndex];
        if (i < 0) {
            throw new IllegalStateException("char index " + charIndex + " splits a surrogate pair");
        }
        return i;
    }
}
