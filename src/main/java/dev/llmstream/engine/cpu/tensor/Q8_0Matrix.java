package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0 (ggml {@code block_q8_0}): blocks of 32 weights in 34 bytes — an f16 scale {@code d} then 32 signed
 * bytes {@code q}; {@code w = q · d} (exact in float).
 *
 * <p>Matmul: ggml's {@code ggml_vec_dot_q8_0_q8_0} / {@code tinyBLAS_Q0_AVX} ({@link GgmlDots#q8_0Lanes}):
 * eight accumulators per output; lane {@code l} takes, per block, {@code fma(d_w·d_x, S, acc_l)} with
 * {@code S} the integer sum of products {@code 4l..4l+3}. The panels and kernels are those of
 * {@link LanePanelMatrix}; the quants go into the panels as they are.
 */
public final class Q8_0Matrix extends LanePanelMatrix {
    static final int BLOCK_BYTES = 34;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public Q8_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q8_0, data, rows, cols, 1);
        repackAll();
    }

    @Override
    void repackRow(byte[] row, int i, byte[] q, int qo, float[] f, int fo) {
        for (int b = 0; b < nb; b++) {
            int bo = b * BLOCK_BYTES;
            f[fo + b * P + i] = Float.float16ToFloat((short) ((row[bo] & 0xFF) | row[bo + 1] << 8));
            for (int k = 0; k < BLOCK; k++) {
                putQuant(q, qo, i, b, k, row[bo + 2 + k]);
            }
        }
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return GgmlDots.q8_0Lanes(data, r * rowBytes, cols, false, x, t);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        dequantize(data, row * rowBytes, nb, out, off);
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        dequantizeScalar(data, row * rowBytes, nb, out, off);
    }

    /** Row {@code q · d} of the {@code nb} blocks at {@code data[base ..]} into {@code out[off ..]} (vector). */
    static void dequantize(MemorySegment data, long base, int nb, float[] out, int off) {
        for (int b = 0; b < nb; b++, base += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Lanes.F, f16(data, base));
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                ((FloatVector) ByteVector.fromMemorySegment(QuantVectors.B, data, base + 2 + j, LE)
                        .convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d).intoArray(out, off + b * BLOCK + j);
            }
        }
    }

    /** Scalar twin of {@link #dequantize}. */
    static void dequantizeScalar(MemorySegment data, long base, int nb, float[] out, int off) {
        for (int b = 0; b < nb; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            for (int j = 0; j < BLOCK; j++) {
                out[off + b * BLOCK + j] = data.get(ValueLayout.JAVA_BYTE, base + 2 + j) * d;
            }
        }
    }
}
