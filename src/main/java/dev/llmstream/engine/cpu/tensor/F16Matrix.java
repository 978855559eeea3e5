package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * F16 weights (ggml {@code GGML_TYPE_F16}): little-endian IEEE binary16, one per weight, any column
 * count (tails use masked loads whose inactive lanes read +0.0). The conversion to float is exact, so
 * every path sees the same weights.
 *
 * <p>Vector conversion, bit-exact with {@link Float#float16ToFloat} (ggml {@code GGML_FP16_TO_FP32}):
 * no conversion instruction is reachable from the Vector API, so the bits are rebuilt. With
 * {@code a = |h|} and {@code t = a << 13} (mantissa in place):
 * <ul>
 *   <li>normal: {@code t + (112 << 23)} rebiases the exponent (15 to 127);</li>
 *   <li>Inf/NaN ({@code a >= 0x7c00}): another {@code 112 << 23} lifts exponent 31 to 255;</li>
 *   <li>subnormal/zero ({@code a < 0x400}): {@code t + (113 << 23)} is {@code 2^-14 + m·2^-24};
 *       subtracting {@code 2^-14} leaves {@code m·2^-24} exactly (Sterbenz) and never creates an f32
 *       subnormal, which would cost a microcode assist;</li>
 *   <li>the sign comes from the sign-extended 16-bit value.</li>
 * </ul>
 * About a dozen vector instructions: too much for register-fused 4-row decoding within C2's inlining
 * budget, hence the buffered decode of {@link BufferedBlockMatrix}.
 */
public final class F16Matrix extends BufferedBlockMatrix {
    /** Weights per decode chunk (see {@link BufferedBlockMatrix}). */
    private static final int CHUNK = 256;

    public F16Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.F16, data, rows, cols, CHUNK);
    }

    /**
     * The conversion (see the class comment) is written into the loop rather than called: as a 111-byte
     * helper C2 did not always inline it, and a vector returned by a call that is not inlined is boxed
     * on the heap. The tail (fewer than {@code L} weights) converts one value at a
     * time with {@link Float#float16ToFloat}, which gives the same bits.
     */
    /** F16 activations against F16 weights: tinyBLAS or {@code ggml_vec_dot_f16}, see {@link #ggmlFloat}. */
    @Override
    public void matmul(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        ggmlFloat(x, out, ldOut, rowStart, rowEnd, true);
    }

    @Override
    public void matmulScalar(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        ggmlFloatScalar(x, out, ldOut, rowStart, rowEnd, true);
    }

    @Override
    void dequantizeSpan(int row, int from, int to, float[] out, int off) {
        long base = row * rowBytes + 2L * from;
        int n = to - from;
        int bound = Lanes.F.loopBound(n);
        int k = 0;
        for (; k < bound; k += Lanes.L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(QuantVectors.S, data, base + 2L * k, QuantVectors.LE)
                    .convertShape(VectorOperators.S2I, QuantVectors.I, 0);
            IntVector a = h.and(0x7fff);
            IntVector bits = a.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            bits = bits.add(112 << 23, a.compare(VectorOperators.GE, 0x7c00));
            VectorMask<Integer> sub = a.compare(VectorOperators.LT, 0x0400);
            bits = bits.add(1 << 23, sub);
            IntVector subBits = bits.reinterpretAsFloats().sub(0x1p-14f).reinterpretAsInts();
            bits.blend(subBits, sub).or(h.and(0x8000_0000)).reinterpretAsFloats().intoArray(out, off + k);
        }
        for (; k < n; k++) {
            out[off + k] = f16(data, base + 2L * k);
        }
    }

    /**
     * binary16 from its definition: sign, 5-bit exponent with bias 15, 10-bit fraction; exponent 0 is
     * subnormal ({@code f·2^-24}), 31 is Inf/NaN. Deliberately not {@link Float#float16ToFloat}, so the
     * vector bit tricks are checked against an independent decoding.
     */
    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int k = 0; k < cols; k++) {
            out[off + k] = decode(data.get(F16_LE, base + 2L * k));
        }
    }

    static float decode(short h) {
        int sign = (h >> 15) & 1;
        int exp = (h >> 10) & 0x1f;
        int frac = h & 0x3ff;
        float mag;
        if (exp == 0) {
            mag = Math.scalb((float) frac, -24);
        } else if (exp == 31) {
            mag = frac == 0 ? Float.POSITIVE_INFINITY : Float.intBitsToFloat(0x7f80_0000 | (frac << 13));
        } else {
            mag = Math.scalb((float) (1024 + frac), exp - 25);
        }
        return sign == 0 ? mag : -mag;
    }
}
