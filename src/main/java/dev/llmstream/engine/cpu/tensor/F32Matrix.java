package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * F32 weights: plain little-endian floats; any column count. Activations stay F32; the dot products follow
 * llama.cpp's choice between tinyBLAS and {@code ggml_vec_dot_f32} (see {@link CanonicalMatrix#ggmlFloat}).
 */
public final class F32Matrix extends CanonicalMatrix {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public F32Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.F32, data, rows, cols);
    }

    @Override
    public void matmul(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        ggmlFloat(x, out, ldOut, rowStart, rowEnd, false);
    }

    @Override
    public void matmulScalar(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        ggmlFloatScalar(x, out, ldOut, rowStart, rowEnd, false);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        MemorySegment.copy(data, F32_LE, row * rowBytes, out, off, cols);
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int k = 0; k < cols; k++) {
            out[off + k] = data.get(F32_LE, base + 4L * k);
        }
    }

    /*
     * No vector tail in the fused kernels (see BF16Matrix for why): columns past the last multiple of
     * L are added with scalar Math.fma into the parked lanes k mod L, the same rounding and order.
     */

    @Override
    protected float fused1(int r, float[] x, int xOff, float[] park) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        long base = r * rowBytes;
        int bound = Lanes.F.loopBound(cols);
        for (int k = 0; k < bound; k += Lanes.L) {
            acc = FloatVector.fromMemorySegment(Lanes.F, data, base + 4L * k, LE)
                    .fma(FloatVector.fromArray(Lanes.F, x, xOff + k), acc);
        }
        acc.intoArray(park, 0);
        for (int k = bound; k < cols; k++) {
            park[k - bound] = Math.fma(data.get(F32_LE, base + 4L * k), x[xOff + k], park[k - bound]);
        }
        return Lanes.sumAt(park, 0);
    }

    @Override
    protected void fused4(int r, float[] x, int xOff, float[] out, int oOff, float[] acc) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        long b0 = r * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
        int bound = Lanes.F.loopBound(cols);
        for (int k = 0; k < bound; k += Lanes.L) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, xOff + k);
            long o = 4L * k;
            a0 = FloatVector.fromMemorySegment(Lanes.F, data, b0 + o, LE).fma(v, a0);
            a1 = FloatVector.fromMemorySegment(Lanes.F, data, b1 + o, LE).fma(v, a1);
            a2 = FloatVector.fromMemorySegment(Lanes.F, data, b2 + o, LE).fma(v, a2);
            a3 = FloatVector.fromMemorySegment(Lanes.F, data, b3 + o, LE).fma(v, a3);
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, Lanes.L);
        a2.intoArray(acc, 2 * Lanes.L);
        a3.intoArray(acc, 3 * Lanes.L);
        for (int k = bound; k < cols; k++) {
            int lane = k - bound;
            long o = 4L * k;
            float xk = x[xOff + k];
            acc[lane] = Math.fma(data.get(F32_LE, b0 + o), xk, acc[lane]);
            acc[Lanes.L + lane] = Math.fma(data.get(F32_LE, b1 + o), xk, acc[Lanes.L + lane]);
            acc[2 * Lanes.L + lane] = Math.fma(data.get(F32_LE, b2 + o), xk, acc[2 * Lanes.L + lane]);
            acc[3 * Lanes.L + lane] = Math.fma(data.get(F32_LE, b3 + o), xk, acc[3 * Lanes.L + lane]);
        }
        sums4(acc, 0, out, oOff + r);
    }
}
