package dev.llmstream.tokenizer;

/**
 * GPT-2's reversible byte-to-character mapping used by byte-level BPE vocabularies (OpenAI
 * {@code encoder.py}, {@code bytes_to_unicode}; llama.cpp {@code unicode_byte_to_utf8}). Bytes that
 * are printable Latin-1 ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to the character with the
 * same number; the remaining 68 bytes (controls, space, DEL, NBSP, soft hyphen, ...) map, in byte
 * order, to U+0100, U+0101, ... So {@code ' '} (0x20) is {@code 'Ġ'} (U+0120) and {@code '\n'} is
 * {@code 'Ċ'} (U+010A). Every vocabulary entry of a byte-level BPE model is spelled in these
 * characters.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by character (all mapped characters are below U+0144); -1 = not a byte character. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            char c = (char) (printable ? b : next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The character that stands for byte {@code b} (0..255). */
    static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 if it is not one of the 256 byte characters. */
    static int decode(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }

    /**
     * Appends the byte-level spelling of {@code cps[start, end)}: each code point's UTF-8 bytes,
     * each byte as its character. (Pre-tokenized words are byte-encoded this way before merging.)
     */
    static void appendEncoded(int[] cps, int start, int end, StringBuilder out) {
        for (int i = start; i < end; i++) {
            int cp = cps[i];
            if (cp < 0x80) {
                out.append(BYTE_TO_CHAR[cp]);
            } else if (cp < 0x800) {
                out.append(BYTE_TO_CHAR[0xC0 | (cp >> 6)]);
                out.append(BYTE_TO_CHAR[0x80 | (cp & 0x3F)]);
            } else if (cp < 0x10000) {
                out.append(BYTE_TO_CHAR[0xE0 | (cp >> 12)]);
                out.append(BYTE_TO_CHAR[0x80 | ((cp >> 6) & 0x3F)]);
                out.append(BYTE_TO_CHAR[0x80 | (cp & 0x3F)]);
            } else {
                out.append(BYTE_TO_CHAR[0xF0 | (cp >> 18)]);
                out.append(BYTE_TO_CHAR[0x80 | ((cp >> 12) & 0x3F)]);
                out.append(BYTE_TO_CHAR[0x80 | ((cp >> 6) & 0x3F)]);
                out.append(BYTE_TO_CHAR[0x80 | (cp & 0x3F)]);
            }
        }
    }
}
