package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * BF16 weights (ggml {@code GGML_TYPE_BF16}): little-endian bfloat16 (the high 16 bits of an f32),
 * one per weight, any column count (tails use masked loads whose inactive lanes read +0.0). The
 * conversion to float is exact, so every path sees the same weights; see
 * {@link QuantVectors#bf16ToFloats}.
 */
public final class BF16Matrix extends CanonicalMatrix {

    public BF16Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.BF16, data, rows, cols);
    }

    /*
     * Weights: L shorts widened by S2I and shifted into the high half of an int (exact), written out
     * in each loop rather than in a helper returning a vector, which C2 may box (see Q8_0Matrix).
     */

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        int bound = Lanes.F.loopBound(cols);
        int k = 0;
        for (; k < bound; k += Lanes.L) {
            ((IntVector) ShortVector.fromMemorySegment(QuantVectors.S, data, base + 2L * k, QuantVectors.LE).convertShape(VectorOperators.S2I, QuantVectors.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(out, off + k);
        }
        if (k < cols) {
            ((IntVector) ShortVector.fromMemorySegment(QuantVectors.S, data, base + 2L * k, QuantVectors.LE, QuantVectors.S.indexInRange(k, cols)).convertShape(VectorOperators.S2I, QuantVectors.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                    .intoArray(out, off + k, Lanes.F.indexInRange(k, cols));
        }
    }

    /**
     * bfloat16 from its definition (ggml {@code GGML_BF16_TO_FP32}): the stored 16 bits are the sign,
     * 8-bit exponent and top 7 fraction bits of an f32, whose low 16 bits are zero.
     */
    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int k = 0; k < cols; k++) {
            int bits = data.get(F16_LE, base + 2L * k) & 0xffff;
            out[off + k] = Float.intBitsToFloat(bits << 16);
        }
    }

    private float weight(long offset) {
        return Float.intBitsToFloat((data.get(F16_LE, offset) & 0xffff) << 16);
    }

    /*
     * The fused kernels have no vector tail: C2 late-inlines Vector API intrinsics only while the
     * method's graph is small enough, and past that limit falls back to boxed Java code (a masked tail
     * doubled this kernel and it allocated 14 MB per call). Columns past the last multiple of L are
     * added with scalar Math.fma into the parked lanes k mod L: the same rounding, the same order.
     */

    @Override
    protected float fused1(int r, float[] x, int xOff, float[] park) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        long base = r * rowBytes;
        int bound = Lanes.F.loopBound(cols);
        for (int k = 0; k < bound; k += Lanes.L) {
            acc = ((IntVector) ShortVector.fromMemorySegment(QuantVectors.S, data, base + 2L * k, QuantVectors.LE).convertShape(VectorOperators.S2I, QuantVectors.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(Lanes.F, x, xOff + k), acc);
        }
        acc.intoArray(park, 0);
        for (int k = bound; k < cols; k++) {
            park[k - bound] = Math.fma(weight(base + 2L * k), x[xOff + k], park[k - bound]);
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
            long o = 2L * k;
            a0 = ((IntVector) ShortVector.fromMemorySegment(QuantVectors.S, data, b0 + o, QuantVectors.LE).convertShape(VectorOperators.S2I, QuantVectors.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, a0);
            a1 = ((IntVector) ShortVector.fromMemorySegment(QuantVectors.S, data, b1 + o, QuantVectors.LE).convertShape(VectorOperators.S2I, QuantVectors.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, a1);
            a2 = ((IntVector) ShortVector.fromMemorySegment(QuantVectors.S, data, b2 + o, QuantVectors.LE).convertShape(VectorOperators.S2I, QuantVectors.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, a2);
            a3 = ((IntVector) ShortVector.fromMemorySegment(QuantVectors.S, data, b3 + o, QuantVectors.LE).convertShape(VectorOperators.S2I, QuantVectors.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, a3);
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, Lanes.L);
        a2.intoArray(acc, 2 * Lanes.L);
        a3.intoArray(acc, 3 * Lanes.L);
        for (int k = bound; k < cols; k++) {
            int lane = k - bound;
            long o = 2L * k;
            float xk = x[xOff + k];
            acc[lane] = Math.fma(weight(b0 + o), xk, acc[lane]);
            acc[Lanes.L + lane] = Math.fma(weight(b1 + o), xk, acc[Lanes.L + lane]);
            acc[2 * Lanes.L + lane] = Math.fma(weight(b2 + o), xk, acc[2 * Lanes.L + lane]);
            acc[3 * Lanes.L + lane] = Math.fma(weight(b3 + o), xk, acc[3 * Lanes.L + lane]);
        }
        sums4(acc, 0, out, oOff + r);
    }
}
