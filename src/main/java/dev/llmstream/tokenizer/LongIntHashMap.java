package dev.llmstream.tokenizer;

/**
 * Open-addressing hash map from {@code long} keys to non-negative {@code int} values, with linear
 * probing. BPE merge ranks are keyed by a pair of symbol ids packed into one long; a
 * {@code HashMap<Long, Integer>} would box 150k-300k entries per vocabulary and slow down both
 * loading and every merge lookup. Insert-only; {@link #get} answers -1 for a missing key.
 */
final class LongIntHashMap {
    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntHashMap(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedSize * 2 - 1)) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        java.util.Arrays.fill(keys, EMPTY);
        mask = capacity - 1;
        size = 0;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Inserts {@code key -> value} unless the key is present (first insert wins, like
     * {@code std::unordered_map::emplace}); returns whether it was inserted. */
    boolean putIfAbsent(long key, int value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("key Long.MIN_VALUE is reserved");
        }
        if (value < 0) {
            throw new IllegalArgumentException("values must be >= 0, got " + value);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = slot(key, mask);
        while (keys[i] != EMPTY) {
            if (keys[i] == key) {
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
        return true;
    }

    int get(long key) {
        int i = slot(key, mask);
        long k;
        while ((k = keys[i]) != EMPTY) {
            if (k == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                putIfAbsent(oldKeys[i], oldValues[i]);
            }
        }
    }
}
