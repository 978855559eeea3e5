package dev.llmstream.tokenizer;

/**
 * UTF-8 to UTF-16 decoding for detokenized bytes, which may be cut anywhere: a token can end in
 * the middle of a character (byte-fallback tokens, byte-level BPE tokens), and a model can emit
 * bytes that are not UTF-8 at all.
 *
 * <p>Malformed input becomes U+FFFD per <em>maximal subpart</em> (Unicode §3.9, "U+FFFD
 * substitution of maximal subparts"; what Python's {@code errors="replace"} and the JDK decoder
 * do): a lead byte followed by some valid continuation bytes and then a wrong byte is one U+FFFD,
 * each stray byte is one U+FFFD. At the end of non-final input, a sequence that is still a valid
 * prefix is left unconsumed for the caller to complete with more bytes.
 */
final class Utf8 {
    private Utf8() {}

    /**
     * Decodes {@code src[off, off + len)} into {@code out}. Returns the number of bytes consumed:
     * all of them when {@code endOfInput}, otherwise everything except a trailing incomplete (but
     * so far valid) sequence of at most three bytes.
     */
    static int decode(byte[] src, int off, int len, boolean endOfInput, StringBuilder out) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int b0 = src[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need; // continuation bytes after the lead
            int lo = 0x80; // allowed range of the second byte (excludes overlongs and surrogates)
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                out.append('\uFFFD'); // stray continuation byte, C0/C1, or F5..FF
                i++;
                continue;
            }
            int cp = b0 & (0x3F >> need);
            int k = 1;
            while (k <= need && i + k < end) {
                int b = src[i + k] & 0xFF;
                if (b < lo || b > hi) {
                    break;
                }
                cp = (cp << 6) | (b & 0x3F);
                lo = 0x80;
                hi = 0xBF;
                k++;
            }
            if (k > need) {
                out.appendCodePoint(cp);
                i += k;
            } else if (i + k == end && !endOfInput) {
                return i - off; // a valid prefix: wait for the rest
            } else {
                out.append('\uFFFD'); // the maximal subpart src[i, i + k)
                i += k;
            }
        }
        return len;
    }

    /** Decodes a complete byte string. */
    static String decode(byte[] src, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        decode(src, off, len, true, sb);
        return sb.toString();
    }
}
