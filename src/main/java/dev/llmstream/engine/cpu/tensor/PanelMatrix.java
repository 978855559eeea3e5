package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * The formats whose activations llama.cpp quantizes to 8 bits (Q8_0, Q4_0, Q4_K, Q6_K): every output is
 * computed with ggml's own arithmetic ({@link GgmlDots}) — exact integer partial sums, then the scale
 * multiply-adds in ggml's order — so it is bit-identical to llama.cpp's and independent of the batch.
 */
abstract class PanelMatrix extends BlockMatrix {

    PanelMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        super(type, data, rows, cols);
    }

    @Override
    public int rowAlignment() {
        return Lanes.L;
    }

    /** llama.cpp's dot product of row {@code r} with token {@code t} of {@code x} (see {@link GgmlDots}). */
    abstract float dotScalar(int r, PreparedInput x, int t);

    @Override
    public void matmulScalar(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) {
            for (int t = 0; t < x.tokens(); t++) {
                out[t * ldOut + r] = dotScalar(r, x, t);
            }
        }
    }

    @Override
    public void matmul(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        matmulScalar(x, out, ldOut, rowStart, rowEnd);
    }
}
