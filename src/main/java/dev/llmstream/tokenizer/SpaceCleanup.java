package dev.llmstream.tokenizer;

/**
 * Hugging Face's {@code clean_up_tokenization_spaces}, in the three in-place byte passes of
 * llama.cpp's {@code detokenize} (same order, same quirks):
 *
 * <ol>
 *   <li>drop a space before {@code ? ! . ,};
 *   <li>drop the spaces around a lone apostrophe: {@code "a ' b"} → {@code "a'b"};
 *   <li>drop the space before the contractions {@code 's 'm 're 've} (not {@code 't 'd 'll}).
 * </ol>
 *
 * Each pass compacts the buffer while reading it, so a pass looks back at bytes it may already
 * have rewritten, exactly as the original does.
 */
final class SpaceCleanup {
    private SpaceCleanup() {}

    /** Cleans {@code text[0, length)} in place; returns the new length. */
    static int apply(byte[] text, int length) {
        return contractions(apostrophes(punctuation(text, length), text), text);
    }

    private static int punctuation(byte[] t, int n) {
        int total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                total--;
            }
            t[total++] = x;
        }
        return total;
    }

    private static int apostrophes(int n, byte[] t) {
        int total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (x == '\'' && i + 1 < n && t[i - 1] == ' ' && t[i + 1] == ' ') {
                total--; // the space before
                t[++i] = 0; // and the one after (skipped; zeroed as in the original)
            }
            t[total++] = x;
        }
        return total;
    }

    private static int contractions(int n, byte[] t) {
        int total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && x == '\'' && i + 1 < n) {
                byte x1 = t[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (i + 2 < n && x1 != 't' && x1 != 'd') {
                    byte x2 = t[i + 2];
                    if ((x1 == 'r' || x1 == 'v') && x2 == 'e') {
                        total--;
                    }
                }
            }
            t[total++] = x;
        }
        return total;
    }
}
