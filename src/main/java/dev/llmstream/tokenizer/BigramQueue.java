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
 * <p>Entries live in parallel primitive arrays and the heap holds entry indexes: no object per
 * candidate. A queue is reused across words via {@link #clear()}; not thread-safe.
 */
final class BigramQueue {
    private long[] keys = new long[64];
    private int[] rights = new int[64];
    private int[] checks = new int[64];
    private int entries;
    private int[] heap = new int[64];
    private int size;

    void clear() {
        entries = 0;
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
        if (entries == keys.length) {
            int n = entries * 2;
            keys = Arrays.copyOf(keys, n);
            rights = Arrays.copyOf(rights, n);
            checks = Arrays.copyOf(checks, n);
        }
        int e = entries++;
        keys[e] = ((long) primary << 32) | left; // left >= 0, so ordering is (primary, left)
        rights[e] = right;
        checks[e] = check;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[heap[parent]] <= keys[e]) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = e;
    }

    /** Removes the best entry and returns its handle for {@link #primary}/{@link #left}/... */
    int pop() {
        if (size == 0) {
            throw new IllegalStateException("pop from an empty queue");
        }
        int top = heap[0];
        int last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && keys[heap[child + 1]] < keys[heap[child]]) {
                child++;
            }
            if (keys[last] <= keys[heap[child]]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = last;
        }
        return top;
    }

    int primary(int entry) {
        return (int) (keys[entry] >> 32);
    }

    int left(int entry) {
        return (int) keys[entry];
    }

    int right(int entry) {
        return rights[entry];
    }

    int check(int entry) {
        return checks[entry];
    }
}
