package dev.llmstream.engine.core.sampling;

import java.util.Arrays;

/**
 * Occurrence counts of token ids — an open-addressing int→int map, allocation-free once sized.
 * Sequences hold a few hundred to a few thousand distinct tokens out of a 32k–150k vocabulary, so a
 * dense {@code int[vocab]} per request would waste memory; this stays proportional to what was seen.
 */
public final class TokenCounts {
    private static final int EMPTY = -1;
    private int[] keys;
    private int[] values;
    private int size;
    private int[] order; // distinct keys in insertion order, for iteration
    private int orderSize;

    public TokenCounts() {
        this(16);
    }

    public TokenCounts(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new int[cap];
        values = new int[cap];
        Arrays.fill(keys, EMPTY);
        order = new int[Math.max(4, expected)];
    }

    public void add(int token) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = mix(token) & mask;
        while (keys[i] != EMPTY && keys[i] != token) {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY) {
            keys[i] = token;
            size++;
            if (orderSize == order.length) {
                order = Arrays.copyOf(order, orderSize * 2);
            }
            order[orderSize++] = token;
        }
        values[i]++;
    }

    public int get(int token) {
        int mask = keys.length - 1;
        int i = mix(token) & mask;
        while (keys[i] != EMPTY) {
            if (keys[i] == token) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return 0;
    }

    /** Number of distinct tokens. */
    public int distinct() {
        return orderSize;
    }

    /** The {@code i}-th distinct token in first-seen order. */
    public int tokenAt(int i) {
        return order[i];
    }

    public void clear() {
        Arrays.fill(keys, EMPTY);
        Arrays.fill(values, 0);
        size = 0;
        orderSize = 0;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != EMPTY) {
                int i = mix(oldKeys[j]) & mask;
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    private static int mix(int x) {
        x *= 0x9E3779B9;
        return x ^ (x >>> 16);
    }
}
