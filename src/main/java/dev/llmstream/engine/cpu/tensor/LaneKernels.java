package dev.llmstream.engine.cpu.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The inner loops of {@link LanePanelMatrix}: one ggml lane {@code l} of one or two panels against one to three
 * tokens, over all blocks of the row (from the bytes), or of one panel widened to floats against four tokens
 * ({@link #strip4}). The caller runs them for every lane and panel of a group, so the weights
 * of all the group's panels stream from memory together (several sequential streams keep more cache-line
 * misses in flight than one), and folds the parked lane accumulators afterwards.
 *
 * <p><b>Why so small.</b> C2 parses a Vector API call into some 300 to 700 nodes (a {@code fromArray} about 300,
 * a {@code fma} or {@code add} about 450, a byte load widened by {@code convertShape} about 700: measured with
 * {@code -XX:+LogCompilation}, {@code parse_done nodes}). Past 18 000 nodes in one compilation
 * ({@code NodeCountInliningCutoff}, a develop flag) C2 defers the remaining force-inlined calls, and a deferred
 * call on a loop-carried vector can lose its exact class: the kernel then boxes every vector, every iteration
 * (82 KB per one-token matmul, see docs/performance.md). Each method here parses to at most about 15 000 nodes;
 * each is more than C2's 325-byte limit for inlining a hot call, so it is always compiled on its own and never
 * swells its caller.
 *
 * <p>Arithmetic per row, block {@code b}, lane {@code l} and token, identical in every kernel and in the scalar
 * twins: {@code S} = the products {@code 4l..4l+3} summed in order (a multiply, then three multiply-adds), then
 * {@code acc = fma(d_w·d_x, S, acc)}. So results never depend on which kernel served a token.
 *
 * <p>Arguments: a panel's quants {@code q[o ..]} for lane {@code l} (block {@code b}, product {@code e} at
 * {@code o + (4b + e)·P}), its scales {@code f[fo ..]} (block {@code b} at {@code fo + b·P}); a token's
 * activations {@code xv[k ..]} for lane {@code l} (block {@code b}, product {@code e} at {@code k + 32b + e})
 * and block scales {@code xs[s ..]}. Results go to {@code park[a·P ..]}.
 */
final class LaneKernels {
    private static final int P = PanelMatrix.P;
    private static final int BLOCK = LanePanelMatrix.BLOCK;

    private LaneKernels() {}

    /** One token against two panels (the second at {@code o + dq}, scales at {@code fo + df}). */
    static void token1Panels2(byte[] q, int o, int dq, float[] f, int fo, int df, int nb, float[] xv, int k,
                              float[] xs, int s, float[] park, int a0, int a1) {
        FloatVector c0 = FloatVector.zero(Lanes.F), c1 = c0;
        for (int b = 0; b < nb; b++, o += 4 * P, k += BLOCK) {
            FloatVector xk = FloatVector.broadcast(Lanes.F, xv[k]);
            FloatVector s0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk);
            FloatVector s1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + dq).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk);
            xk = FloatVector.broadcast(Lanes.F, xv[k + 1]);
            s0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s0);
            s1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + dq + P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s1);
            xk = FloatVector.broadcast(Lanes.F, xv[k + 2]);
            s0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s0);
            s1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + dq + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s1);
            xk = FloatVector.broadcast(Lanes.F, xv[k + 3]);
            s0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s0);
            s1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + dq + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s1);
            FloatVector dx = FloatVector.broadcast(Lanes.F, xs[s + b]);
            c0 = FloatVector.fromArray(Lanes.F, f, fo + b * P).mul(dx).fma(s0, c0);
            c1 = FloatVector.fromArray(Lanes.F, f, fo + df + b * P).mul(dx).fma(s1, c1);
        }
        c0.intoArray(park, a0 * P);
        c1.intoArray(park, a1 * P);
    }

    /** Two tokens (the second at {@code xv[k + dk ..]}, {@code xs[s + ds ..]}) against one panel. */
    static void tokens2Panel1(byte[] q, int o, float[] f, int fo, int nb, float[] xv, int k, int dk, float[] xs,
                              int s, int ds, float[] park, int a0, int a1) {
        FloatVector c0 = FloatVector.zero(Lanes.F), c1 = c0;
        for (int b = 0; b < nb; b++, o += 4 * P, k += BLOCK) {
            int k1 = k + dk;
            FloatVector w = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0);
            FloatVector s0 = w.mul(xv[k]);
            FloatVector s1 = w.mul(xv[k1]);
            w = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0);
            s0 = w.fma(FloatVector.broadcast(Lanes.F, xv[k + 1]), s0);
            s1 = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 1]), s1);
            w = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
            s0 = w.fma(FloatVector.broadcast(Lanes.F, xv[k + 2]), s0);
            s1 = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 2]), s1);
            w = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
            s0 = w.fma(FloatVector.broadcast(Lanes.F, xv[k + 3]), s0);
            s1 = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 3]), s1);
            FloatVector dw = FloatVector.fromArray(Lanes.F, f, fo + b * P);
            c0 = dw.mul(xs[s + b]).fma(s0, c0);
            c1 = dw.mul(xs[s + ds + b]).fma(s1, c1);
        }
        c0.intoArray(park, a0 * P);
        c1.intoArray(park, a1 * P);
    }

    /**
     * Three tokens (at {@code xv[k0 ..]}, {@code xv[k1 ..]}, {@code xv[k2 ..]}, block scales at {@code xs[s0 ..]}
     * and so on) against one panel: each widened weight vector feeds three tokens from registers. Three, not
     * four: a fourth token's multiply-adds would take the method past the node budget.
     */
    static void tokens3Panel1(byte[] q, int o, float[] f, int fo, int nb, float[] xv, int k0, int k1, int k2,
                              float[] xs, int s0, int s1, int s2, float[] park, int a0, int a1, int a2) {
        FloatVector c0 = FloatVector.zero(Lanes.F), c1 = c0, c2 = c0;
        for (int b = 0; b < nb; b++, o += 4 * P) {
            int kb = b * BLOCK;
            FloatVector w = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0);
            FloatVector u0 = w.mul(xv[k0 + kb]);
            FloatVector u1 = w.mul(xv[k1 + kb]);
            FloatVector u2 = w.mul(xv[k2 + kb]);
            w = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0);
            u0 = w.fma(FloatVector.broadcast(Lanes.F, xv[k0 + kb + 1]), u0);
            u1 = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + kb + 1]), u1);
            u2 = w.fma(FloatVector.broadcast(Lanes.F, xv[k2 + kb + 1]), u2);
            w = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
            u0 = w.fma(FloatVector.broadcast(Lanes.F, xv[k0 + kb + 2]), u0);
            u1 = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + kb + 2]), u1);
            u2 = w.fma(FloatVector.broadcast(Lanes.F, xv[k2 + kb + 2]), u2);
            w = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
            u0 = w.fma(FloatVector.broadcast(Lanes.F, xv[k0 + kb + 3]), u0);
            u1 = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + kb + 3]), u1);
            u2 = w.fma(FloatVector.broadcast(Lanes.F, xv[k2 + kb + 3]), u2);
            FloatVector dw = FloatVector.fromArray(Lanes.F, f, fo + b * P);
            c0 = dw.mul(xs[s0 + b]).fma(u0, c0);
            c1 = dw.mul(xs[s1 + b]).fma(u1, c1);
            c2 = dw.mul(xs[s2 + b]).fma(u2, c2);
        }
        c0.intoArray(park, a0 * P);
        c1.intoArray(park, a1 * P);
        c2.intoArray(park, a2 * P);
    }

    /**
     * Four tokens against one lane of a panel already widened to floats ({@code w[o ..]} in the quants' order,
     * scales at {@code w[fo ..]}), the activations grouped by {@link PreparedInput#laneValues}: block {@code b}'s
     * sixteen quants at {@code xl[xo + 16b ..]} (token {@code j}, product {@code e} at {@code 4j + e}), its four
     * block scales at {@code xs[so + 4b ..]}. Token {@code j}'s accumulator goes to slot {@code a + j·stride}.
     *
     * <p>One load per weight vector, feeding four tokens, and every activation read from one cache line per
     * block: about 24 vector operations per 256 products against 26 per 192 for {@link #tokens3Panel1}, which
     * also widens the bytes each time. The driver runs it lane by lane, so one lane of the strip (a quarter to
     * an eighth of L1) and the lane's activations stay in L1 while every token group passes over them. The
     * body repeats {@link #tokens3Panel1}'s arithmetic on purpose: sharing it would mean a helper that takes the
     * weight vector, and a vector passed to a call C2 does not inline is boxed. About 15 900 nodes.
     */
    static void strip4(float[] w, int o, int fo, int nb, float[] xl, int xo, float[] xs, int so, float[] park, int a,
                       int stride) {
        FloatVector c0 = FloatVector.zero(Lanes.F), c1 = c0, c2 = c0, c3 = c0;
        for (int b = 0; b < nb; b++, o += 4 * P, xo += 16, so += 4, fo += P) {
            FloatVector v = FloatVector.fromArray(Lanes.F, w, o);
            FloatVector u0 = v.mul(FloatVector.broadcast(Lanes.F, xl[xo]));
            FloatVector u1 = v.mul(FloatVector.broadcast(Lanes.F, xl[xo + 4]));
            FloatVector u2 = v.mul(FloatVector.broadcast(Lanes.F, xl[xo + 8]));
            FloatVector u3 = v.mul(FloatVector.broadcast(Lanes.F, xl[xo + 12]));
            v = FloatVector.fromArray(Lanes.F, w, o + P);
            u0 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 1]), u0);
            u1 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 5]), u1);
            u2 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 9]), u2);
            u3 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 13]), u3);
            v = FloatVector.fromArray(Lanes.F, w, o + 2 * P);
            u0 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 2]), u0);
            u1 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 6]), u1);
            u2 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 10]), u2);
            u3 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 14]), u3);
            v = FloatVector.fromArray(Lanes.F, w, o + 3 * P);
            u0 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 3]), u0);
            u1 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 7]), u1);
            u2 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 11]), u2);
            u3 = v.fma(FloatVector.broadcast(Lanes.F, xl[xo + 15]), u3);
            FloatVector dw = FloatVector.fromArray(Lanes.F, w, fo);
            c0 = dw.mul(FloatVector.broadcast(Lanes.F, xs[so])).fma(u0, c0);
            c1 = dw.mul(FloatVector.broadcast(Lanes.F, xs[so + 1])).fma(u1, c1);
            c2 = dw.mul(FloatVector.broadcast(Lanes.F, xs[so + 2])).fma(u2, c2);
            c3 = dw.mul(FloatVector.broadcast(Lanes.F, xs[so + 3])).fma(u3, c3);
        }
        c0.intoArray(park, a * P);
        c1.intoArray(park, (a + stride) * P);
        c2.intoArray(park, (a + 2 * stride) * P);
        c3.intoArray(park, (a + 3 * stride) * P);
    }

    /**
     * {@code n} vectors of {@code P} signed bytes from {@code q[o ..]} as floats into {@code w[wo ..]}
     * ({@code n} a multiple of 4: one lane of a panel is {@code 4·nb} vectors). Unrolled sixteen times, which also
     * puts it past the 325-byte limit for inlining: inlined into the format-independent driver, next to another
     * format's conversion, C2 lost the target species of {@code convertShape} and boxed every vector (80 bytes per
     * vector, found by the allocation guard).
     */
    static void widen(byte[] q, int o, float[] w, int wo, int n) {
        int i = 0;
        for (; i + 16 <= n; i += 16, o += 16 * P, wo += 16 * P) {
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 2 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 3 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 4 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 4 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 5 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 5 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 6 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 6 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 7 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 7 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 8 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 8 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 9 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 9 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 10 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 10 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 11 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 11 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 12 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 12 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 13 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 13 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 14 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 14 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 15 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 15 * P);
        }
        for (; i < n; i += 4, o += 4 * P, wo += 4 * P) {
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 2 * P);
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(w, wo + 3 * P);
        }
    }
}
