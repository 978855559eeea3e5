package dev.llmstream.engine.cpu.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Four tokens against two {@link LanePanelMatrix} panels straight from the quant bytes: the multi-token kernel
 * for small batches (3 to {@link PanelMatrix#QUAD_MAX_TOKENS} tokens — a speculative verify step, a few
 * sequences decoding together). Each 16-row weight vector is widened and converted once and multiplied into
 * all four tokens from registers, where the strip path first writes the panel out as floats and reads it
 * back per token quad, and the pair kernel converts the weights again for every pair. Per {@code P} weights
 * and four tokens: one widen, one convert, four multiply-adds, plus the per-block scale steps.
 *
 * <p>Arithmetic per row, block {@code b}, ggml lane {@code l} and token: {@code S} = the four products
 * {@code 4l..4l+3} summed in order (a multiply, then three multiply-adds; exact, small integers), then
 * {@code acc_l = fma(d_w·d_x, S, acc_l)} — the same operations in the same order as {@link LanePanelMatrix}'s
 * one- and two-token kernels and strips, so results do not depend on which kernel served a token.
 *
 * <p>Written out in full for the same reason as the other kernels: a loop carrying these sixteen
 * accumulators through a helper would be boxed by C2.
 */
final class LaneQuadKernel {
    private static final int P = PanelMatrix.P;

    private LaneQuadKernel() {}

    /**
     * Tokens {@code t0..t3} (a token may repeat: its copy is computed and ignored) against the panels at
     * {@code q[qo ..]} and {@code q[qo + qPanel ..]} (scales at {@code f[fo ..]}, {@code f[fo + fPanel ..]}):
     * lane accumulators of token {@code i}, panel {@code j} into {@code park[(8(2i + j) + l)·P ..]}.
     */
    static void quad(byte[] q, int qo, int qPanel, float[] f, int fo, int fPanel, int nb, int cols,
                     PreparedInput x, int t0, int t1, int t2, int t3, float[] park) {
        float[] xv = x.values;
        float[] xs = x.scales;
        for (int l = 0; l < 8; l++) {
            FloatVector a00 = FloatVector.zero(Lanes.F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00,
                    a30 = a00, a31 = a00;
            int q0 = qo + l * nb * 4 * P;
            int c0 = t0 * cols + 4 * l;
            int c1 = t1 * cols + 4 * l;
            int c2 = t2 * cols + 4 * l;
            int c3 = t3 * cols + 4 * l;
            for (int b = 0; b < nb; b++) {
                int o = q0 + b * 4 * P;
                int kb = b * LanePanelMatrix.BLOCK;
                FloatVector w0 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector w1 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector xk = FloatVector.broadcast(Lanes.F, xv[c0 + kb]);
                FloatVector s00 = w0.mul(xk), s01 = w1.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c1 + kb]);
                FloatVector s10 = w0.mul(xk), s11 = w1.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c2 + kb]);
                FloatVector s20 = w0.mul(xk), s21 = w1.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c3 + kb]);
                FloatVector s30 = w0.mul(xk), s31 = w1.mul(xk);
                w0 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                w1 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + qPanel + P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                xk = FloatVector.broadcast(Lanes.F, xv[c0 + kb + 1]);
                s00 = w0.fma(xk, s00);
                s01 = w1.fma(xk, s01);
                xk = FloatVector.broadcast(Lanes.F, xv[c1 + kb + 1]);
                s10 = w0.fma(xk, s10);
                s11 = w1.fma(xk, s11);
                xk = FloatVector.broadcast(Lanes.F, xv[c2 + kb + 1]);
                s20 = w0.fma(xk, s20);
                s21 = w1.fma(xk, s21);
                xk = FloatVector.broadcast(Lanes.F, xv[c3 + kb + 1]);
                s30 = w0.fma(xk, s30);
                s31 = w1.fma(xk, s31);
                w0 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                w1 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                xk = FloatVector.broadcast(Lanes.F, xv[c0 + kb + 2]);
                s00 = w0.fma(xk, s00);
                s01 = w1.fma(xk, s01);
                xk = FloatVector.broadcast(Lanes.F, xv[c1 + kb + 2]);
                s10 = w0.fma(xk, s10);
                s11 = w1.fma(xk, s11);
                xk = FloatVector.broadcast(Lanes.F, xv[c2 + kb + 2]);
                s20 = w0.fma(xk, s20);
                s21 = w1.fma(xk, s21);
                xk = FloatVector.broadcast(Lanes.F, xv[c3 + kb + 2]);
                s30 = w0.fma(xk, s30);
                s31 = w1.fma(xk, s31);
                w0 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                w1 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                xk = FloatVector.broadcast(Lanes.F, xv[c0 + kb + 3]);
                s00 = w0.fma(xk, s00);
                s01 = w1.fma(xk, s01);
                xk = FloatVector.broadcast(Lanes.F, xv[c1 + kb + 3]);
                s10 = w0.fma(xk, s10);
                s11 = w1.fma(xk, s11);
                xk = FloatVector.broadcast(Lanes.F, xv[c2 + kb + 3]);
                s20 = w0.fma(xk, s20);
                s21 = w1.fma(xk, s21);
                xk = FloatVector.broadcast(Lanes.F, xv[c3 + kb + 3]);
                s30 = w0.fma(xk, s30);
                s31 = w1.fma(xk, s31);
                FloatVector d0 = FloatVector.fromArray(Lanes.F, f, fo + b * P);
                FloatVector d1 = FloatVector.fromArray(Lanes.F, f, fo + fPanel + b * P);
                float dx = xs[t0 * nb + b];
                a00 = d0.mul(dx).fma(s00, a00);
                a01 = d1.mul(dx).fma(s01, a01);
                dx = xs[t1 * nb + b];
                a10 = d0.mul(dx).fma(s10, a10);
                a11 = d1.mul(dx).fma(s11, a11);
                dx = xs[t2 * nb + b];
                a20 = d0.mul(dx).fma(s20, a20);
                a21 = d1.mul(dx).fma(s21, a21);
                dx = xs[t3 * nb + b];
                a30 = d0.mul(dx).fma(s30, a30);
                a31 = d1.mul(dx).fma(s31, a31);
            }
            a00.intoArray(park, (0 + l) * P);
            a01.intoArray(park, (8 + l) * P);
            a10.intoArray(park, (16 + l) * P);
            a11.intoArray(park, (24 + l) * P);
            a20.intoArray(park, (32 + l) * P);
            a21.intoArray(park, (40 + l) * P);
            a30.intoArray(park, (48 + l) * P);
            a31.intoArray(park, (56 + l) * P);
        }
    }
}
