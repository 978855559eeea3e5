package dev.llmstream.tokenizer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token ids of recently seen words. Text repeats words, and a word always tokenizes the same way
 * (BPE: a pre-token word; SPM: a segment no token crosses), so the merge loop runs once per
 * distinct word. Bounded: only short words are kept, and the cache is emptied when full rather
 * than tracking recency. Thread-safe.
 */
final class WordCache {
    private static final int MAX_ENTRIES = 1 << 16;
    private static final int MAX_WORD_CHARS = 48;

    /** Encodes one word into {@code out}. */
    @FunctionalInterface
    interface WordEncoder {
        void encode(String word, IntList out);
    }

    private final ConcurrentHashMap<String, int[]> ids = new ConcurrentHashMap<>();

    /** Appends the ids of {@code word} to {@code out}, from the cache or by {@code encoder}. */
    void encode(String word, WordEncoder encoder, IntList out) {
        if (word.length() > MAX_WORD_CHARS) {
            encoder.encode(word, out);
            return;
        }
        int[] cached = ids.get(word);
        if (cached != null) {
            out.addAll(cached);
            return;
        }
        int mark = out.size();
        encoder.encode(word, out);
        if (ids.size() >= MAX_ENTRIES) {
            ids.clear();
        }
        ids.put(word, out.toArray(mark));
    }
}
