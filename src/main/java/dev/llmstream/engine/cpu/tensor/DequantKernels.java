package dev.llmstream.engine.cpu.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The inner loops of {@link DequantPanelMatrix}: a panel of {@code P} rows (quants k-major, {@code q[o + k·P + i]}
 * for row {@code i}, column {@code k}; block scales {@code f[fo + b·P + i]}) against one token group of
 * dequantized activations. Arithmetic, the same in every kernel and in the scalar twin: per row and token,
 * {@code acc = fma(q·d, x, acc)} over the columns in order from {@code +0}, where {@code q·d} (the weight) and
 * {@code x} (the activation quant times its block scale) are both exact in float. So a result does not depend
 * on which kernel, group width or thread served it.
 *
 * <p>Each weight vector is widened and scaled once ({@code vpmovsxbd}, {@code vcvtdq2ps}, {@code vmulps}) and feeds
 * every token of the group from registers: at 16 tokens 19 vector operations per 256 products, where ggml's lane
 * order needs 6 per 64 plus the widening (docs/performance.md, "Fast numerics"). The activations of
 * a group are interleaved by column ({@link PreparedInput#groupColumns}), so one column's broadcasts come from one
 * cache line.
 *
 * <p>C2 budget (see {@link QuantVectors}): a kernel's vectors never cross a call of ours; {@code tokens16} keeps
 * 16 accumulators, the weight, the scale and a broadcast in registers (19 of 32) and parses to about 15 600 nodes
 * in the engine ({@code -XX:+LogCompilation}), under the 18 000 past which C2 defers inlining; a 17th token
 * would not fit. Each kernel is over the 325-byte inlining limit, so it is compiled on its own.
 */
final class DequantKernels {
    private static final int P = PanelStore.P;
    private static final int BLOCK = 32;

    private DequantKernels() {}

    /** 16 tokens (a group of width 16: token {@code j}, column {@code k} at {@code xg[xo + 16k + j]}) against one panel. */
    static void tokens16(byte[] q, int o, float[] f, int fo, int nb, float[] xg, int xo, float[] res) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int b = 0; b < nb; b++, fo += P) {
            FloatVector d = FloatVector.fromArray(Lanes.F, f, fo);
            for (int e = 0; e < BLOCK; e++, o += P, xo += 16) {
                FloatVector v = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d);
                a0 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo]), a0);
                a1 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 1]), a1);
                a2 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 2]), a2);
                a3 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 3]), a3);
                a4 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 4]), a4);
                a5 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 5]), a5);
                a6 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 6]), a6);
                a7 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 7]), a7);
                a8 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 8]), a8);
                a9 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 9]), a9);
                a10 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 10]), a10);
                a11 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 11]), a11);
                a12 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 12]), a12);
                a13 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 13]), a13);
                a14 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 14]), a14);
                a15 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 15]), a15);
            }
        }
        a0.intoArray(res, 0);
        a1.intoArray(res, 1 * P);
        a2.intoArray(res, 2 * P);
        a3.intoArray(res, 3 * P);
        a4.intoArray(res, 4 * P);
        a5.intoArray(res, 5 * P);
        a6.intoArray(res, 6 * P);
        a7.intoArray(res, 7 * P);
        a8.intoArray(res, 8 * P);
        a9.intoArray(res, 9 * P);
        a10.intoArray(res, 10 * P);
        a11.intoArray(res, 11 * P);
        a12.intoArray(res, 12 * P);
        a13.intoArray(res, 13 * P);
        a14.intoArray(res, 14 * P);
        a15.intoArray(res, 15 * P);
    }

    /** 8 tokens (a group of width 8: token {@code j}, column {@code k} at {@code xg[xo + 8k + j]}) against one panel. */
    static void tokens8(byte[] q, int o, float[] f, int fo, int nb, float[] xg, int xo, float[] res) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int b = 0; b < nb; b++, fo += P) {
            FloatVector d = FloatVector.fromArray(Lanes.F, f, fo);
            for (int e = 0; e < BLOCK; e++, o += P, xo += 8) {
                FloatVector v = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d);
                a0 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo]), a0);
                a1 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 1]), a1);
                a2 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 2]), a2);
                a3 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 3]), a3);
                a4 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 4]), a4);
                a5 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 5]), a5);
                a6 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 6]), a6);
                a7 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 7]), a7);
            }
        }
        a0.intoArray(res, 0);
        a1.intoArray(res, 1 * P);
        a2.intoArray(res, 2 * P);
        a3.intoArray(res, 3 * P);
        a4.intoArray(res, 4 * P);
        a5.intoArray(res, 5 * P);
        a6.intoArray(res, 6 * P);
        a7.intoArray(res, 7 * P);
    }

    /** 4 tokens (a group of width 4: token {@code j}, column {@code k} at {@code xg[xo + 4k + j]}) against one panel. */
    static void tokens4(byte[] q, int o, float[] f, int fo, int nb, float[] xg, int xo, float[] res) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < nb; b++, fo += P) {
            FloatVector d = FloatVector.fromArray(Lanes.F, f, fo);
            for (int e = 0; e < BLOCK; e++, o += P, xo += 4) {
                FloatVector v = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d);
                a0 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo]), a0);
                a1 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 1]), a1);
                a2 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 2]), a2);
                a3 = v.fma(FloatVector.broadcast(Lanes.F, xg[xo + 3]), a3);
            }
        }
        a0.intoArray(res, 0);
        a1.intoArray(res, 1 * P);
        a2.intoArray(res, 2 * P);
        a3.intoArray(res, 3 * P);
    }

    /**
     * One token ({@code x[xo + k]}) against four panels (the next at {@code o + dq}, scales at {@code fo + df}):
     * four weight streams at once keep more cache-line misses in flight when the weights come from memory.
     */
    static void token1Panels4(byte[] q, int o, int dq, float[] f, int fo, int df, int nb, float[] x, int xo,
                              float[] res) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < nb; b++, fo += P) {
            FloatVector d0 = FloatVector.fromArray(Lanes.F, f, fo);
            FloatVector d1 = FloatVector.fromArray(Lanes.F, f, fo + df);
            FloatVector d2 = FloatVector.fromArray(Lanes.F, f, fo + 2 * df);
            FloatVector d3 = FloatVector.fromArray(Lanes.F, f, fo + 3 * df);
            for (int e = 0; e < BLOCK; e++, o += P, xo++) {
                FloatVector v = FloatVector.broadcast(Lanes.F, x[xo]);
                a0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d0).fma(v, a0);
                a1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + dq).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d1).fma(v, a1);
                a2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * dq).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d2).fma(v, a2);
                a3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * dq).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d3).fma(v, a3);
            }
        }
        a0.intoArray(res, 0);
        a1.intoArray(res, P);
        a2.intoArray(res, 2 * P);
        a3.intoArray(res, 3 * P);
    }

    /** One token ({@code x[xo + k]}) against one panel. */
    static void token1(byte[] q, int o, float[] f, int fo, int nb, float[] x, int xo, float[] res) {
        FloatVector a = FloatVector.zero(Lanes.F);
        for (int b = 0; b < nb; b++, fo += P) {
            FloatVector d = FloatVector.fromArray(Lanes.F, f, fo);
            for (int e = 0; e < BLOCK; e++, o += P, xo++) {
                a = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d)
                        .fma(FloatVector.broadcast(Lanes.F, x[xo]), a);
            }
        }
        a.intoArray(res, 0);
    }
}
