package dev.llmstream.tokenizer;

/**
 * Token text to token id, with lookups by a range of a {@link CharSequence} that allocate nothing.
 * The SPM merge loop asks "is text[a, b) a token?" for every candidate bigram; building a substring
 * for each question would dominate its cost. Like llama.cpp's {@code token_to_id}, a text that
 * occurs twice in the vocabulary maps to its last id.
 *
 * <p>Open addressing with linear probing over an {@code int[]} of {@code id + 1} (0 = empty); the
 * hash is the {@link String#hashCode()} polynomial, so a range hashes like the equal string.
 */
final class TextIndex {
    private final String[] texts;
    private final int[] slots;
    private final int mask;
    private final int shift;

    /** Indexes {@code texts[i] -> i}; {@code null} entries are skipped. */
    TextIndex(String[] texts) {
        this.texts = texts;
        int capacity = Integer.highestOneBit(Math.max(16, texts.length * 2 - 1)) << 1;
        slots = new int[capacity];
        mask = capacity - 1;
        shift = Integer.numberOfLeadingZeros(mask);
        for (int id = 0; id < texts.length; id++) {
            String t = texts[id];
            if (t == null) {
                continue;
            }
            int i = slot(t.hashCode());
            while (slots[i] != 0 && !texts[slots[i] - 1].equals(t)) {
                i = (i + 1) & mask;
            }
            slots[i] = id + 1; // a later duplicate replaces the earlier id
        }
    }

    /**
     * Fibonacci hashing: the top bits of h * 2^32/phi. String hashes of similar texts (byte-level
     * BPE tokens share characters and lengths) differ mostly in low bits and cluster badly under a
     * plain mask with linear probing.
     */
    private int slot(int h) {
        return (h * 0x9E3779B9) >>> shift;
    }

    /** The id of {@code text}, or -1. */
    int get(String text) {
        int i = slot(text.hashCode()); // cached by String
        int slot;
        while ((slot = slots[i]) != 0) {
            if (texts[slot - 1].equals(text)) {
                return slot - 1;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** The id of the token whose text equals {@code s[start, end)}, or -1. */
    int get(CharSequence s, int start, int end) {
        int h = 0;
        for (int k = start; k < end; k++) {
            h = 31 * h + s.charAt(k);
        }
        int len = end - start;
        int i = slot(h);
        int slot;
        while ((slot = slots[i]) != 0) {
            String t = texts[slot - 1];
            if (t.length() == len && regionEquals(t, s, start)) {
                return slot - 1;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private static boolean regionEquals(String t, CharSequence s, int start) {
        for (int k = 0; k < t.length(); k++) {
            if (t.charAt(k) != s.charAt(start + k)) {
                return false;
            }
        }
        return true;
    }
}
