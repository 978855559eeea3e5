package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;

/**
 * A weight matrix {@code W[rows × cols]} stored row-major in a ggml format, usually a zero-copy slice
 * of a mapped GGUF file (a GGUF tensor of shape {@code [cols, rows]}).
 *
 * <p>The hot operation is {@link #matmul}: {@code out[t][r] = dot(W[r], x[t])} for a range of rows and
 * every token {@code t} of the batch. The row range is visited once per call whatever the number of
 * tokens, so a step's weights are streamed from memory once for the whole batch — what makes
 * continuous batching pay on a bandwidth-bound CPU. Results follow the canonical order of
 * {@link Lanes} and do not depend on {@code nTokens}, the row range, or the caller's thread.
 */
public interface WeightMatrix {

    int rows();

    int cols();

    GgmlType type();

    /** Bytes of weight data (what one full matmul streams). */
    long byteSize();

    /**
     * Vector kernel: for rows {@code [rowStart, rowEnd)} and tokens {@code [0, nTokens)},
     * {@code out[t * ldOut + r] = dot(W[r], x[t * cols .. t * cols + cols))}.
     */
    void matmul(float[] x, int nTokens, float[] out, int ldOut, int rowStart, int rowEnd);

    /** Scalar twin of {@link #matmul}: same canonical order, no Vector API; the reference for tests. */
    default void matmulScalar(float[] x, int nTokens, float[] out, int ldOut, int rowStart, int rowEnd) {
        float[] w = new float[cols()];
        for (int r = rowStart; r < rowEnd; r++) {
            dequantizeRowScalar(r, w, 0);
            for (int t = 0; t < nTokens; t++) {
                out[t * ldOut + r] = ScalarDot.dot(w, 0, x, t * cols(), cols());
            }
        }
    }

    /** Vector dequantization of row {@code row} into {@code out[off .. off + cols)}. */
    void dequantizeRow(int row, float[] out, int off);

    /** Scalar reference dequantization, written from the format definition. */
    void dequantizeRowScalar(int row, float[] out, int off);
}
