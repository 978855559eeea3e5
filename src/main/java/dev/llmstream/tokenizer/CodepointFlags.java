package dev.llmstream.tokenizer;

/**
 * Unicode properties of a code point as llama.cpp's pre-tokenizers see them ({@code unicode.h}:
 * {@code unicode_cpt_flags}): one general-category bit plus a separate whitespace bit.
 *
 * <p>Categories come from {@link Character#getType(int)} grouped the way llama.cpp's
 * {@code gen-unicode-data.py} groups UnicodeData.txt: Cn → UNDEFINED; Cc/Cf/Co/Cs → CONTROL;
 * L* → LETTER; M* → MARK; N* → NUMBER; P* → PUNCTUATION; S* → SYMBOL; Z* → SEPARATOR. The JDK's
 * Unicode version may be newer than the table llama.cpp was generated from; the two differ only on
 * code points assigned in between.
 *
 * <p>Whitespace is NOT {@link Character#isWhitespace(int)} (which counts U+001C..U+001F and omits
 * U+0085/U+00A0): it is exactly the White_Space property list llama.cpp hard-codes:
 * U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000.
 *
 * <p>A position outside the text being split has flags 0 (llama.cpp's "out of range"), which is
 * neither of any category nor whitespace.
 */
final class CodepointFlags {
    static final int UNDEFINED = 0x0001;
    static final int NUMBER = 0x0002;
    static final int LETTER = 0x0004;
    static final int SEPARATOR = 0x0008;
    static final int MARK = 0x0010;
    static final int PUNCTUATION = 0x0020;
    static final int SYMBOL = 0x0040;
    static final int CONTROL = 0x0080;
    static final int CATEGORY_MASK = 0x00FF;
    static final int WHITESPACE = 0x0100;

    /** Flags of every BMP code point, computed once (64k x 2 bytes). */
    private static final short[] BMP = new short[0x10000];

    static {
        for (int cp = 0; cp < BMP.length; cp++) {
            BMP[cp] = (short) compute(cp);
        }
    }

    private CodepointFlags() {}

    static int of(int cp) {
        if (cp >= 0 && cp < 0x10000) {
            return BMP[cp];
        }
        return cp > 0 && cp <= Character.MAX_CODE_POINT ? compute(cp) : UNDEFINED;
    }

    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F,
                    0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Simple lowercase mapping (UnicodeData field 13), as llama.cpp's {@code unicode_tolower}. */
    static int toLower(int cp) {
        return Character.toLowerCase(cp);
    }

    private static int compute(int cp) {
        int category = switch (Character.getType(cp)) {
            case Character.UNASSIGNED -> UNDEFINED;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> SYMBOL;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            default -> UNDEFINED;
        };
        return isWhitespace(cp) ? category | WHITESPACE : category;
    }
}
