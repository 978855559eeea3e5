package dev.llmstream.tokenizer;

import java.util.Arrays;

/** A growable list of primitive ints, so token ids are never boxed on the encode path. */
final class IntList {
    private int[] data;
    private int size;

    IntList(int initialCapacity) {
        data = new int[Math.max(4, initialCapacity)];
    }

    void add(int value) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = value;
    }

    void addAll(int[] values) {
        if (size + values.length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + values.length));
        }
        System.arraycopy(values, 0, data, size, values.length);
        size += values.length;
    }

    int get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " >= size " + size);
        }
        return data[index];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** Drops elements from {@code newSize} on. */
    void truncate(int newSize) {
        size = Math.min(size, newSize);
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }

    /** Copies elements {@code [from, size)} out, e.g. the ids one word added. */
    int[] toArray(int from) {
        return Arrays.copyOfRange(data, from, size);
    }
}
