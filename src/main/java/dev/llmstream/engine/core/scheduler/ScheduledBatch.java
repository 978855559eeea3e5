package dev.llmstream.engine.core.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * What one step runs: sequences and how many of their tokens (from {@code numComputed} on) to
 * compute. Reused every step by the engine loop.
 */
public final class ScheduledBatch {
    private final List<Sequence> sequences = new ArrayList<>();
    private int[] counts = new int[64];
    private int prefillTokens;
    private int decodeTokens;

    void clear() {
        sequences.clear();
        prefillTokens = 0;
        decodeTokens = 0;
    }

    void add(Sequence s, int n) {
        if (sequences.size() == counts.length) {
            counts = java.util.Arrays.copyOf(counts, counts.length * 2);
        }
        counts[sequences.size()] = n;
        sequences.add(s);
        if (s.isDecoding()) {
            decodeTokens += n;
        } else {
            prefillTokens += n;
        }
    }

    public int size() {
        return sequences.size();
    }

    public boolean isEmpty() {
        return sequences.isEmpty();
    }

    public Sequence sequence(int i) {
        return sequences.get(i);
    }

    /** Tokens of sequence {@code i} computed this step, starting at its {@code numComputed()}. */
    public int count(int i) {
        return counts[i];
    }

    public int totalTokens() {
        return prefillTokens + decodeTokens;
    }

    public int prefillTokens() {
        return prefillTokens;
    }

    public int decodeTokens() {
        return decodeTokens;
    }
}
