package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;

/**
 * A weight matrix {@code W[rows × cols]} stored row-major in a ggml format, usually over a zero-copy slice of
 * a mapped GGUF file (a GGUF tensor of shape {@code [cols, rows]}).
 *
 * <p>The hot operation is {@link #matmul}: {@code out[t][r] = dot(W[r], x[t])} for a range of rows and every
 * token {@code t} of the batch, with {@code x} prepared in the format's {@link #activationFormat()}. The row
 * range is visited once per call whatever the number of tokens, so a step's weights are streamed from memory
 * once for the whole batch. Each output is computed with llama.cpp's arithmetic for this format and the
 * token's {@link MatmulMode}, and does not depend on the other tokens, the row range or the thread.
 */
public interface WeightMatrix {

    int rows();

    int cols();

    GgmlType type();

    /** Bytes of weight data (what one full matmul streams). */
    long byteSize();

    /** The form {@link #matmul} wants its activations in. */
    default ActivationFormat activationFormat() {
        return ActivationFormat.forWeights(type());
    }

    /** Row ranges given to {@link #matmul} should start at multiples of this (for speed, not correctness). */
    default int rowAlignment() {
        return 4;
    }

    /**
     * Vector kernel: for rows {@code [rowStart, rowEnd)} and every token {@code t} of {@code x},
     * {@code out[t * ldOut + r] = dot(W[r], x[t])}.
     */
    void matmul(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd);

    /** Scalar twin of {@link #matmul}: the reference formula written out, no Vector API; for tests. */
    void matmulScalar(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd);

    /** Vector dequantization of row {@code row} into {@code out[off .. off + cols)}. */
    void dequantizeRow(int row, float[] out, int off);

    /** Scalar reference dequantization, written from the format definition. */
    void dequantizeRowScalar(int row, float[] out, int off);
}
