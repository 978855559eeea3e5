package dev.llmstream.model;

import dev.llmstream.gguf.GgmlType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a synthesis plan: llama.cpp name, shape in ggml order ({@code shape[0]} = input
 * width = row length), storage type and how its values are drawn. A tensor is a stack of
 * {@link #rows()} rows of {@link #rowLength()} values.
 */
record PlannedTensor(String name, long[] shape, GgmlType type, WeightInit init) {

    PlannedTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(init, "init");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    int rowLength() {
        return Math.toIntExact(shape[0]);
    }

    long rows() {
        long r = 1;
        for (int i = 1; i < shape.length; i++) {
            r = Math.multiplyExact(r, shape[i]);
        }
        return r;
    }

    long nElements() {
        return Math.multiplyExact(rows(), shape[0]);
    }

    long byteSize() {
        return type.byteSize(nElements());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlannedTensor t && t.name.equals(name) && Arrays.equals(t.shape, shape)
                && t.type == type && t.init.equals(init);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + type;
    }
}
