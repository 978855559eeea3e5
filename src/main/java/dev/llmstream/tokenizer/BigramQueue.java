package dev.llmstream.tokenizer;

import java.util.Arrays;

/**
 * The work queue of the BPE and SPM merge loops: candidate merges of two adjacent symbols, best
 * first. Priority is {@code (primary, left)} ascending — BPE's primary is the merge rank, SPM's the
 * negated score — which reproduces llama.cpp's comparators including their tie-break (leftmost
 * first). Entries are never removed when a merge makes them stale; the caller discards them when
 * popped ("lazy invalidation", using {@link #check}), which keeps each merge O(log n) and a whole
 * word O(n log n).
 *
 * <p>A binary min-heap over primitive arrays: the sort key and the payload (right symbol, check
 * value) move together, so sifting touches one cache line per level and no object is allocated per
 * candidate. A queue is reused across words via {@link #clear()}; not thread-safe.
 */
final class BigramQueue {
    private long[] keys = new long[64];
    private int[] rights = new int[64];
    private int[] checks = new int[64];
    private int size;
    // the entry last popped
    private long topKey;
    private int topRight;
    private int topCheck;

    void clear() {
        size = 0;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Adds a candidate merge of symbols {@code left} and {@code right}; {@code check} is whatever
     * the caller needs to tell later whether the candidate is still current.
     */
    void push(int primary, int left, int right, int check) {
        if (size == keys.length) {
            int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            rights = Arrays.copyOf(rights, n);
            checks = Arrays.copyOf(checks, n);
        }
        long key = ((long) primary << 32) | left; // left >= 0, so ordering is (primary, left)
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        keys[i] = key;
        rights[i] = right;
        checks[i] = check;
    }

    /** Removes the best entry; read it with {@link #primary()}, {@link #left()}, ... */
    void pop() {
        if (size == 0) {
            throw new IllegalStateException("pop from an empty queue");
        }
        topKey = keys[0];
        topRight = rights[0];
        topCheck = checks[0];
        int last = --size;
        long key = keys[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && keys[child + 1] < keys[child]) {
                child++;
            }
            if (key <= keys[child]) {
                break;
            }
            move(child, i);
            i = child;
        }
        if (size > 0) {
            keys[i] = key;
            rights[i] = rights[last];
            checks[i] = checks[last];
        }
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        rights[to] = rights[from];
        checks[to] = checks[from];
    }

    int primary() {
        return (int) (topKey >> 32);
    }

    int left() {
        return (int) topKey;
    }

    int right() {
        return topRight;
    }

    int check() {
        return topCheck;
    }
}
