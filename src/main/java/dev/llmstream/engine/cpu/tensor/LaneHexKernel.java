package dev.llmstream.engine.cpu.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Six tokens against two {@link LanePanelMatrix} panels straight from the quant bytes: {@link LaneQuadKernel}
 * widened to the batches the quad kernel served badly. A speculative verify step (one token and five drafted)
 * is six tokens: quad + pair before, which widened and converted every weight twice and ran the pair kernel
 * (two tokens per conversion); five were quad + one-token kernel. Here each 16-row weight vector is widened and
 * converted once for six tokens. Per {@code P} weights and six tokens: one widen, one convert, six products,
 * plus the per-block scale steps — 88 vector µops on ports 0 and 5 per 768 multiply-adds, where quad + pair
 * take 104 (the quad kernel alone: 64 per 512).
 *
 * <p>Order within a block: the block's eight weight vectors (four products × two panels, one cache line of
 * quants per panel) are converted first and stay in registers, then each token in turn forms its two block sums
 * and applies its scale step. Twelve accumulators, eight weights, two block scales and a few temporaries fit
 * in the 32 vector registers (C2 still parks about five accumulators on the stack, as it computes the scale
 * products {@code d_w·d_x} early: a load and a store each per block, cheap). The quad kernel's order (one
 * product position at a time, all twelve block sums live) was measured against it, T = 6 over Q8_0 panel
 * groups, one core, medians of alternating slices in one JVM: 2560 × 960 streamed from DRAM, quad + pair
 * 616 µs, this order 479, the quad kernel's order 645 (C2 spilled all twelve accumulators there, and
 * loading the whole block up front keeps more cache misses in flight); 256 × 1024 in cache: 44, 40, 41 µs.
 *
 * <p>Arithmetic per row, block {@code b}, ggml lane {@code l} and token: exactly {@link LaneQuadKernel}'s —
 * {@code S} = the four products {@code 4l..4l+3} summed in order (a multiply, then three multiply-adds; exact,
 * small integers), then {@code acc_l = fma(d_w·d_x, S, acc_l)} — the same operations in the same order as
 * {@link LanePanelMatrix}'s one- and two-token kernels and strips, so results do not depend on which kernel
 * served a token.
 *
 * <p>Written out in full for the same reason as the other kernels: a loop carrying these vectors through a
 * helper would be boxed by C2.
 */
final class LaneHexKernel {
    private static final int P = PanelMatrix.P;

    private LaneHexKernel() {}

    /**
     * Tokens {@code t0..t5} (a token may repeat: its copy is computed and ignored) against the panels at
     * {@code q[qo ..]} and {@code q[qo + qPanel ..]} (scales at {@code f[fo ..]}, {@code f[fo + fPanel ..]}):
     * lane accumulators of token {@code i}, panel {@code j} into {@code park[(8(2i + j) + l)·P ..]}
     * ({@code 96 P} floats).
     */
    static void hex(byte[] q, int qo, int qPanel, float[] f, int fo, int fPanel, int nb, int cols,
                    PreparedInput x, int t0, int t1, int t2, int t3, int t4, int t5, float[] park) {
        float[] xv = x.values;
        float[] xs = x.scales;
        for (int l = 0; l < 8; l++) {
            FloatVector a00 = FloatVector.zero(Lanes.F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00,
                    a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
            int q0 = qo + l * nb * 4 * P;
            int c0 = t0 * cols + 4 * l;
            int c1 = t1 * cols + 4 * l;
            int c2 = t2 * cols + 4 * l;
            int c3 = t3 * cols + 4 * l;
            int c4 = t4 * cols + 4 * l;
            int c5 = t5 * cols + 4 * l;
            for (int b = 0; b < nb; b++) {
                int o = q0 + b * 4 * P;
                int kb = b * LanePanelMatrix.BLOCK;
                FloatVector w0 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector w1 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector w2 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector w3 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector v0 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector v1 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + qPanel + P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector v2 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector v3 = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                FloatVector d0 = FloatVector.fromArray(Lanes.F, f, fo + b * P);
                FloatVector d1 = FloatVector.fromArray(Lanes.F, f, fo + fPanel + b * P);
                FloatVector xk = FloatVector.broadcast(Lanes.F, xv[c0 + kb]);
                FloatVector s = w0.mul(xk);
                FloatVector u = v0.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c0 + kb + 1]);
                s = w1.fma(xk, s);
                u = v1.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c0 + kb + 2]);
                s = w2.fma(xk, s);
                u = v2.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c0 + kb + 3]);
                s = w3.fma(xk, s);
                u = v3.fma(xk, u);
                float dx = xs[t0 * nb + b];
                a00 = d0.mul(dx).fma(s, a00);
                a01 = d1.mul(dx).fma(u, a01);
                xk = FloatVector.broadcast(Lanes.F, xv[c1 + kb]);
                s = w0.mul(xk);
                u = v0.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c1 + kb + 1]);
                s = w1.fma(xk, s);
                u = v1.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c1 + kb + 2]);
                s = w2.fma(xk, s);
                u = v2.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c1 + kb + 3]);
                s = w3.fma(xk, s);
                u = v3.fma(xk, u);
                dx = xs[t1 * nb + b];
                a10 = d0.mul(dx).fma(s, a10);
                a11 = d1.mul(dx).fma(u, a11);
                xk = FloatVector.broadcast(Lanes.F, xv[c2 + kb]);
                s = w0.mul(xk);
                u = v0.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c2 + kb + 1]);
                s = w1.fma(xk, s);
                u = v1.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c2 + kb + 2]);
                s = w2.fma(xk, s);
                u = v2.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c2 + kb + 3]);
                s = w3.fma(xk, s);
                u = v3.fma(xk, u);
                dx = xs[t2 * nb + b];
                a20 = d0.mul(dx).fma(s, a20);
                a21 = d1.mul(dx).fma(u, a21);
                xk = FloatVector.broadcast(Lanes.F, xv[c3 + kb]);
                s = w0.mul(xk);
                u = v0.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c3 + kb + 1]);
                s = w1.fma(xk, s);
                u = v1.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c3 + kb + 2]);
                s = w2.fma(xk, s);
                u = v2.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c3 + kb + 3]);
                s = w3.fma(xk, s);
                u = v3.fma(xk, u);
                dx = xs[t3 * nb + b];
                a30 = d0.mul(dx).fma(s, a30);
                a31 = d1.mul(dx).fma(u, a31);
                xk = FloatVector.broadcast(Lanes.F, xv[c4 + kb]);
                s = w0.mul(xk);
                u = v0.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c4 + kb + 1]);
                s = w1.fma(xk, s);
                u = v1.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c4 + kb + 2]);
                s = w2.fma(xk, s);
                u = v2.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c4 + kb + 3]);
                s = w3.fma(xk, s);
                u = v3.fma(xk, u);
                dx = xs[t4 * nb + b];
                a40 = d0.mul(dx).fma(s, a40);
                a41 = d1.mul(dx).fma(u, a41);
                xk = FloatVector.broadcast(Lanes.F, xv[c5 + kb]);
                s = w0.mul(xk);
                u = v0.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[c5 + kb + 1]);
                s = w1.fma(xk, s);
                u = v1.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c5 + kb + 2]);
                s = w2.fma(xk, s);
                u = v2.fma(xk, u);
                xk = FloatVector.broadcast(Lanes.F, xv[c5 + kb + 3]);
                s = w3.fma(xk, s);
                u = v3.fma(xk, u);
                dx = xs[t5 * nb + b];
                a50 = d0.mul(dx).fma(s, a50);
                a51 = d1.mul(dx).fma(u, a51);
            }
            a00.intoArray(park, (0 + l) * P);
            a01.intoArray(park, (8 + l) * P);
            a10.intoArray(park, (16 + l) * P);
            a11.intoArray(park, (24 + l) * P);
            a20.intoArray(park, (32 + l) * P);
            a21.intoArray(park, (40 + l) * P);
            a30.intoArray(park, (48 + l) * P);
            a31.intoArray(park, (56 + l) * P);
            a40.intoArray(park, (64 + l) * P);
            a41.intoArray(park, (72 + l) * P);
            a50.intoArray(park, (80 + l) * P);
            a51.intoArray(park, (88 + l) * P);
        }
    }
}
