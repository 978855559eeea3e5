package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 32-weight block formats that ggml multiplies in eight lanes of four products: Q8_0
 * ({@code ggml_vec_dot_q8_0_q8_0}), Q5_0 ({@code ggml_vec_dot_q5_0_q8_0}) and Q5_1
 * ({@code ggml_vec_dot_q5_1_q8_1}); {@code tinyBLAS_Q0_AVX} does the same for batches of Q8_0 and Q5_0. Per
 * block, lane {@code l} takes {@code acc_l = fma(d_w·d_x, S, acc_l)} with {@code S} the exact integer sum of
 * the products {@code 4l..4l+3}; the eight lanes are folded by {@code hsum_float_8} ({@link GgmlDots}).
 *
 * <p>Panels ({@link PanelMatrix}): every weight as one signed byte — the format's integer quant, whatever
 * its bit width — grouped by ggml lane: for lane {@code l}, block {@code b}, product {@code e}, the {@code P}
 * rows' quant {@code 32b + 4l + e} ({@link #putQuant}); then the block scales {@code d} as floats, {@code P}
 * per block, followed by any further per-block floats of the format ({@link #fPerBlock}). Unpacking 5-bit
 * quants at load time rather than in the kernel keeps the decode loop at one widening per {@code P} weights;
 * the panel costs a byte per weight where the file has 5.5 or 6 bits. The kernels run lane by lane
 * ({@code l} outermost): one accumulator per token, the quants read front to back, {@code S} built from four
 * exact float products. Formats with a per-block offset (Q5_1) add it after the fold
 * ({@link #addBlockTerms}).
 */
abstract class LanePanelMatrix extends PanelMatrix {
    static final int BLOCK = 32;

    /** Blocks per row. */
    final int nb;

    /**
     * @param fPerBlock floats per block and row in the panel: 1 (the scale {@code d}) or more (Q5_1: {@code d}
     *                  and {@code m}; the extra ones after all the scales)
     */
    LanePanelMatrix(GgmlType type, MemorySegment data, int rows, int cols, int fPerBlock) {
        super(type, data, rows, cols, (cols / BLOCK) * BLOCK * P, (cols / BLOCK) * fPerBlock * P);
        this.nb = cols / BLOCK;
    }

    /** Stores {@code v} (−128..127) as quant {@code k} (0..31) of block {@code b} of row {@code i} of a panel. */
    final void putQuant(byte[] q, int qo, int i, int b, int k, int v) {
        q[qo + (((k >> 2) * nb + b) * 4 + (k & 3)) * P + i] = (byte) v;
    }

    /**
     * Adds format-specific per-block terms to the folded results of panels {@code p .. p+g-1} and tokens
     * {@code t .. t+tokens-1} in {@code res} (token {@code i}, panel {@code j} at {@code res[(i·g + j)·P ..]}).
     * Nothing for Q8_0 and Q5_0.
     */
    void addBlockTerms(int p, int g, PreparedInput x, int t, int tokens, float[] res) {}

    @Override
    final int stripFloats() {
        return nb * P + nb * BLOCK * P;
    }

    /** Strip: the scales, then every quant as a float in the panel's order. */
    @Override
    final void stripPanel(int p, float[] strip) {
        System.arraycopy(f(p), fo(p), strip, 0, nb * P);
        byte[] q = q(p);
        int qo = qo(p);
        for (int i = 0, o = nb * P; i < nb * BLOCK; i++, o += P) {
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, qo + i * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(strip, o);
        }
    }

    @Override
    int decodeGroup(boolean pair) {
        return pair ? 4 : 8;
    }

    @Override
    final void panelBytes(int p, int g, PreparedInput x, int t, boolean pair, float[] res, float[] park) {
        if (g == 1) {
            if (pair) {
                panelBytes2(p, x, t, park);
                fold8(park, 0, res, 0);
                fold8(park, 8 * P, res, P);
            } else {
                panelBytes1(p, x, t, park);
                fold8(park, 0, res, 0);
            }
        } else if (pair) {
            group4Pair(p, x, t, park);
            for (int i = 0; i < 8; i++) {
                fold8(park, 8 * i * P, res, i * P);
            }
        } else {
            group8(p, x, t, park);
            for (int j = 0; j < 8; j++) {
                fold8(park, 8 * j * P, res, j * P);
            }
        }
        addBlockTerms(p, g, x, t, pair ? 2 : 1, res);
    }

    /**
     * Token {@code t} against panels {@code p .. p+7} (eight streams): lane accumulators of panel {@code j} into
     * {@code park[(8j + l)·P ..]}. The activation broadcast is shared by the eight panels.
     */
    private void group8(int p, PreparedInput x, int t, float[] park) {
        byte[] q = q(p);
        float[] f = f(p);
        int qo = qo(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        int sx = t * nb;
        for (int l = 0; l < 8; l++) {
            FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int q0 = qo + l * nb * 4 * P;
            int k0 = t * cols + 4 * l;
            for (int b = 0; b < nb; b++) {
                int o = q0 + b * 4 * P;
                int k = k0 + b * BLOCK;
                FloatVector xk = FloatVector.broadcast(Lanes.F, xv[k]);
                FloatVector s0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk), s1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk), s2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk), s3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk), s4 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 4 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk), s5 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 5 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk), s6 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 6 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk), s7 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 7 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[k + 1]);
                s0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s0);
                s1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s1);
                s2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s2);
                s3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s3);
                s4 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 4 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s4);
                s5 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 5 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s5);
                s6 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 6 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s6);
                s7 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 7 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s7);
                xk = FloatVector.broadcast(Lanes.F, xv[k + 2]);
                s0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s0);
                s1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s1);
                s2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s2);
                s3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s3);
                s4 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 4 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s4);
                s5 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 5 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s5);
                s6 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 6 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s6);
                s7 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 7 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s7);
                xk = FloatVector.broadcast(Lanes.F, xv[k + 3]);
                s0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s0);
                s1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s1);
                s2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s2);
                s3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s3);
                s4 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 4 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s4);
                s5 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 5 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s5);
                s6 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 6 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s6);
                s7 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 7 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(xk, s7);
                FloatVector dx = FloatVector.broadcast(Lanes.F, xs[sx + b]);
                a0 = FloatVector.fromArray(Lanes.F, f, fo + b * P).mul(dx).fma(s0, a0);
                a1 = FloatVector.fromArray(Lanes.F, f, fo + 1 * fPanel + b * P).mul(dx).fma(s1, a1);
                a2 = FloatVector.fromArray(Lanes.F, f, fo + 2 * fPanel + b * P).mul(dx).fma(s2, a2);
                a3 = FloatVector.fromArray(Lanes.F, f, fo + 3 * fPanel + b * P).mul(dx).fma(s3, a3);
                a4 = FloatVector.fromArray(Lanes.F, f, fo + 4 * fPanel + b * P).mul(dx).fma(s4, a4);
                a5 = FloatVector.fromArray(Lanes.F, f, fo + 5 * fPanel + b * P).mul(dx).fma(s5, a5);
                a6 = FloatVector.fromArray(Lanes.F, f, fo + 6 * fPanel + b * P).mul(dx).fma(s6, a6);
                a7 = FloatVector.fromArray(Lanes.F, f, fo + 7 * fPanel + b * P).mul(dx).fma(s7, a7);
            }
            a0.intoArray(park, (0 + l) * P);
            a1.intoArray(park, (8 + l) * P);
            a2.intoArray(park, (16 + l) * P);
            a3.intoArray(park, (24 + l) * P);
            a4.intoArray(park, (32 + l) * P);
            a5.intoArray(park, (40 + l) * P);
            a6.intoArray(park, (48 + l) * P);
            a7.intoArray(park, (56 + l) * P);
        }
    }

    /**
     * Tokens {@code t, t+1} against panels {@code p .. p+3}: lane accumulators of token {@code i}, panel
     * {@code j} into {@code park[(8(4i + j) + l)·P ..]}.
     */
    private void group4Pair(int p, PreparedInput x, int t, float[] park) {
        byte[] q = q(p);
        float[] f = f(p);
        int qo = qo(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        int sx = t * nb;
        for (int l = 0; l < 8; l++) {
            FloatVector a00 = FloatVector.zero(Lanes.F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            int q0 = qo + l * nb * 4 * P;
            int k0 = t * cols + 4 * l;
            for (int b = 0; b < nb; b++) {
                int o = q0 + b * 4 * P;
                int k = k0 + b * BLOCK;
                int k1 = k + cols;
                FloatVector xa = FloatVector.broadcast(Lanes.F, xv[k]);
                FloatVector xb = FloatVector.broadcast(Lanes.F, xv[k1]);
                FloatVector w0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0));
                FloatVector s00 = w0.mul(xa);
                FloatVector s10 = w0.mul(xb);
                FloatVector w1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0));
                FloatVector s01 = w1.mul(xa);
                FloatVector s11 = w1.mul(xb);
                FloatVector w2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0));
                FloatVector s02 = w2.mul(xa);
                FloatVector s12 = w2.mul(xb);
                FloatVector w3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * qPanel).convertShape(VectorOperators.B2F, Lanes.F, 0));
                FloatVector s03 = w3.mul(xa);
                FloatVector s13 = w3.mul(xb);
                xa = FloatVector.broadcast(Lanes.F, xv[k + 1]);
                xb = FloatVector.broadcast(Lanes.F, xv[k1 + 1]);
                w0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s00 = w0.fma(xa, s00);
                s10 = w0.fma(xb, s10);
                w1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s01 = w1.fma(xa, s01);
                s11 = w1.fma(xb, s11);
                w2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s02 = w2.fma(xa, s02);
                s12 = w2.fma(xb, s12);
                w3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * qPanel + 1 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s03 = w3.fma(xa, s03);
                s13 = w3.fma(xb, s13);
                xa = FloatVector.broadcast(Lanes.F, xv[k + 2]);
                xb = FloatVector.broadcast(Lanes.F, xv[k1 + 2]);
                w0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s00 = w0.fma(xa, s00);
                s10 = w0.fma(xb, s10);
                w1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s01 = w1.fma(xa, s01);
                s11 = w1.fma(xb, s11);
                w2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s02 = w2.fma(xa, s02);
                s12 = w2.fma(xb, s12);
                w3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * qPanel + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s03 = w3.fma(xa, s03);
                s13 = w3.fma(xb, s13);
                xa = FloatVector.broadcast(Lanes.F, xv[k + 3]);
                xb = FloatVector.broadcast(Lanes.F, xv[k1 + 3]);
                w0 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s00 = w0.fma(xa, s00);
                s10 = w0.fma(xb, s10);
                w1 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 1 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s01 = w1.fma(xa, s01);
                s11 = w1.fma(xb, s11);
                w2 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s02 = w2.fma(xa, s02);
                s12 = w2.fma(xb, s12);
                w3 = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * qPanel + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s03 = w3.fma(xa, s03);
                s13 = w3.fma(xb, s13);
                float dx0 = xs[sx + b];
                float dx1 = xs[sx + nb + b];
                FloatVector d0 = FloatVector.fromArray(Lanes.F, f, fo + b * P);
                a00 = d0.mul(dx0).fma(s00, a00);
                a10 = d0.mul(dx1).fma(s10, a10);
                FloatVector d1 = FloatVector.fromArray(Lanes.F, f, fo + 1 * fPanel + b * P);
                a01 = d1.mul(dx0).fma(s01, a01);
                a11 = d1.mul(dx1).fma(s11, a11);
                FloatVector d2 = FloatVector.fromArray(Lanes.F, f, fo + 2 * fPanel + b * P);
                a02 = d2.mul(dx0).fma(s02, a02);
                a12 = d2.mul(dx1).fma(s12, a12);
                FloatVector d3 = FloatVector.fromArray(Lanes.F, f, fo + 3 * fPanel + b * P);
                a03 = d3.mul(dx0).fma(s03, a03);
                a13 = d3.mul(dx1).fma(s13, a13);
            }
            a00.intoArray(park, (0 + l) * P);
            a01.intoArray(park, (8 + l) * P);
            a02.intoArray(park, (16 + l) * P);
            a03.intoArray(park, (24 + l) * P);
            a10.intoArray(park, (32 + l) * P);
            a11.intoArray(park, (40 + l) * P);
            a12.intoArray(park, (48 + l) * P);
            a13.intoArray(park, (56 + l) * P);
        }
    }

    @Override
    final int quadPanels() {
        return 2;
    }

    @Override
    final void panelQuad(int p, PreparedInput x, int t, int tokens, float[] res, float[] park) {
        int last = t + tokens - 1;
        LaneQuadKernel.quad(q(p), qo(p), qPanel, f(p), fo(p), fPanel, nb, cols, x, t, t + 1, Math.min(t + 2, last),
                Math.min(t + 3, last), park);
        for (int i = 0; i < 8; i++) {
            fold8(park, 8 * i * P, res, i * P);
        }
        addBlockTerms(p, 2, x, t, tokens, res);
    }

    /*
     * One method per token count, each with its own loops: a vector variable assigned on two paths that then
     * merge (one kernel with an "if (pair)" inside) is boxed on the heap by C2, every iteration.
     */

    /** Token {@code t}: lane accumulators into {@code park[l·P ..]}. */
    private void panelBytes1(int p, PreparedInput x, int t, float[] park) {
        byte[] q = q(p);
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        int s0 = t * nb;
        for (int l = 0; l < 8; l++) {
            FloatVector acc = FloatVector.zero(Lanes.F);
            int q0 = qo(p) + l * nb * 4 * P;
            int k0 = t * cols + 4 * l;
            for (int b = 0; b < nb; b++) {
                int o = q0 + b * 4 * P;
                int k = k0 + b * BLOCK;
                FloatVector s = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xv[k]);
                s = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + 1]), s);
                s = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + 2]), s);
                s = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + 3]), s);
                acc = FloatVector.fromArray(Lanes.F, f, fo + b * P).mul(xs[s0 + b]).fma(s, acc);
            }
            acc.intoArray(park, l * P);
        }
    }

    /** Tokens {@code t, t+1}: lane accumulators into {@code park[l·P ..]} and {@code park[(8 + l)·P ..]}. */
    private void panelBytes2(int p, PreparedInput x, int t, float[] park) {
        byte[] q = q(p);
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        int s0 = t * nb;
        int s1 = s0 + nb;
        for (int l = 0; l < 8; l++) {
            FloatVector acc = FloatVector.zero(Lanes.F);
            FloatVector acc1 = acc;
            int q0 = qo(p) + l * nb * 4 * P;
            int k0 = t * cols + 4 * l;
            for (int b = 0; b < nb; b++) {
                int o = q0 + b * 4 * P;
                int k = k0 + b * BLOCK;
                int k1 = k + cols;
                FloatVector dw = FloatVector.fromArray(Lanes.F, f, fo + b * P);
                FloatVector w = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0));
                FloatVector s = w.mul(xv[k]);
                FloatVector u = w.mul(xv[k1]);
                w = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s = w.fma(FloatVector.broadcast(Lanes.F, xv[k + 1]), s);
                u = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 1]), u);
                w = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s = w.fma(FloatVector.broadcast(Lanes.F, xv[k + 2]), s);
                u = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 2]), u);
                w = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0));
                s = w.fma(FloatVector.broadcast(Lanes.F, xv[k + 3]), s);
                u = w.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 3]), u);
                acc = dw.mul(xs[s0 + b]).fma(s, acc);
                acc1 = dw.mul(xs[s1 + b]).fma(u, acc1);
            }
            acc.intoArray(park, l * P);
            acc1.intoArray(park, (8 + l) * P);
        }
    }

    @Override
    int stripGroup() {
        return 2;
    }

    /**
     * Four tokens against two panels (or one) over their float strips: each weight load feeds four tokens,
     * each activation broadcast two panels (2 × 4 about 100 GFLOP/s in cache on one core, 1 × 4 about 75).
     * Written out in full: a loop over the four products, carrying eight vectors, was compiled into boxed
     * code on some runs.
     */
    @Override
    final void panelStrip(float[][] strips, int p, int g, PreparedInput x, int t, float[] res, float[] park) {
        if (g == 2) {
            strip2(strips[0], strips[1], x, t, park);
            for (int i = 0; i < 4; i++) {
                fold8(park, 16 * i * P, res, 2 * i * P);
                fold8(park, (16 * i + 8) * P, res, (2 * i + 1) * P);
            }
        } else {
            strip1(strips[0], x, t, park);
            for (int i = 0; i < 4; i++) {
                fold8(park, 8 * i * P, res, i * P);
            }
        }
        addBlockTerms(p, g, x, t, 4, res);
    }

    /** Tokens {@code t..t+3} against two panels: token {@code i}, panel {@code j} lanes at {@code park[(16i + 8j + l)·P]}. */
    private void strip2(float[] s, float[] u, PreparedInput x, int t, float[] park) {
        float[] xv = x.values;
        float[] xs = x.scales;
        for (int l = 0; l < 8; l++) {
            FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            int q0 = nb * P + l * nb * 4 * P;
            int kk = t * cols + 4 * l;
            for (int b = 0; b < nb; b++) {
                int o = q0 + b * 4 * P;
                int k0 = kk + b * BLOCK;
                int k1 = k0 + cols;
                int k2 = k1 + cols;
                int k3 = k2 + cols;
                FloatVector w = FloatVector.fromArray(Lanes.F, s, o);
                FloatVector v = FloatVector.fromArray(Lanes.F, u, o);
                FloatVector xk = FloatVector.broadcast(Lanes.F, xv[k0]);
                FloatVector s0 = w.mul(xk), r0 = v.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[k1]);
                FloatVector s1 = w.mul(xk), r1 = v.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[k2]);
                FloatVector s2 = w.mul(xk), r2 = v.mul(xk);
                xk = FloatVector.broadcast(Lanes.F, xv[k3]);
                FloatVector s3 = w.mul(xk), r3 = v.mul(xk);
                w = FloatVector.fromArray(Lanes.F, s, o + 1 * P);
                v = FloatVector.fromArray(Lanes.F, u, o + 1 * P);
                xk = FloatVector.broadcast(Lanes.F, xv[k0 + 1]);
                s0 = w.fma(xk, s0);
                r0 = v.fma(xk, r0);
                xk = FloatVector.broadcast(Lanes.F, xv[k1 + 1]);
                s1 = w.fma(xk, s1);
                r1 = v.fma(xk, r1);
                xk = FloatVector.broadcast(Lanes.F, xv[k2 + 1]);
                s2 = w.fma(xk, s2);
                r2 = v.fma(xk, r2);
                xk = FloatVector.broadcast(Lanes.F, xv[k3 + 1]);
                s3 = w.fma(xk, s3);
                r3 = v.fma(xk, r3);
                w = FloatVector.fromArray(Lanes.F, s, o + 2 * P);
                v = FloatVector.fromArray(Lanes.F, u, o + 2 * P);
                xk = FloatVector.broadcast(Lanes.F, xv[k0 + 2]);
                s0 = w.fma(xk, s0);
                r0 = v.fma(xk, r0);
                xk = FloatVector.broadcast(Lanes.F, xv[k1 + 2]);
                s1 = w.fma(xk, s1);
                r1 = v.fma(xk, r1);
                xk = FloatVector.broadcast(Lanes.F, xv[k2 + 2]);
                s2 = w.fma(xk, s2);
                r2 = v.fma(xk, r2);
                xk = FloatVector.broadcast(Lanes.F, xv[k3 + 2]);
                s3 = w.fma(xk, s3);
                r3 = v.fma(xk, r3);
                w = FloatVector.fromArray(Lanes.F, s, o + 3 * P);
                v = FloatVector.fromArray(Lanes.F, u, o + 3 * P);
                xk = FloatVector.broadcast(Lanes.F, xv[k0 + 3]);
                s0 = w.fma(xk, s0);
                r0 = v.fma(xk, r0);
                xk = FloatVector.broadcast(Lanes.F, xv[k1 + 3]);
                s1 = w.fma(xk, s1);
                r1 = v.fma(xk, r1);
                xk = FloatVector.broadcast(Lanes.F, xv[k2 + 3]);
                s2 = w.fma(xk, s2);
                r2 = v.fma(xk, r2);
                xk = FloatVector.broadcast(Lanes.F, xv[k3 + 3]);
                s3 = w.fma(xk, s3);
                r3 = v.fma(xk, r3);
                FloatVector dw = FloatVector.fromArray(Lanes.F, s, b * P);
                FloatVector du = FloatVector.fromArray(Lanes.F, u, b * P);
                FloatVector d0 = FloatVector.broadcast(Lanes.F, xs[(t + 0) * nb + b]);
                a0 = dw.mul(d0).fma(s0, a0);
                c0 = du.mul(d0).fma(r0, c0);
                FloatVector d1 = FloatVector.broadcast(Lanes.F, xs[(t + 1) * nb + b]);
                a1 = dw.mul(d1).fma(s1, a1);
                c1 = du.mul(d1).fma(r1, c1);
                FloatVector d2 = FloatVector.broadcast(Lanes.F, xs[(t + 2) * nb + b]);
                a2 = dw.mul(d2).fma(s2, a2);
                c2 = du.mul(d2).fma(r2, c2);
                FloatVector d3 = FloatVector.broadcast(Lanes.F, xs[(t + 3) * nb + b]);
                a3 = dw.mul(d3).fma(s3, a3);
                c3 = du.mul(d3).fma(r3, c3);
            }
            a0.intoArray(park, (0 + l) * P);
            c0.intoArray(park, (8 + l) * P);
            a1.intoArray(park, (16 + l) * P);
            c1.intoArray(park, (24 + l) * P);
            a2.intoArray(park, (32 + l) * P);
            c2.intoArray(park, (40 + l) * P);
            a3.intoArray(park, (48 + l) * P);
            c3.intoArray(park, (56 + l) * P);
        }
    }

    /** Tokens {@code t..t+3} against one panel: token {@code i} lanes at {@code park[(8i + l)·P]}. */
    private void strip1(float[] s, PreparedInput x, int t, float[] park) {
        float[] xv = x.values;
        float[] xs = x.scales;
        for (int l = 0; l < 8; l++) {
            FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
            int q0 = nb * P + l * nb * 4 * P;
            int kk = t * cols + 4 * l;
            for (int b = 0; b < nb; b++) {
                int o = q0 + b * 4 * P;
                int k0 = kk + b * BLOCK;
                int k1 = k0 + cols;
                int k2 = k1 + cols;
                int k3 = k2 + cols;
                FloatVector w0 = FloatVector.fromArray(Lanes.F, s, o);
                FloatVector w1 = FloatVector.fromArray(Lanes.F, s, o + P);
                FloatVector w2 = FloatVector.fromArray(Lanes.F, s, o + 2 * P);
                FloatVector w3 = FloatVector.fromArray(Lanes.F, s, o + 3 * P);
                FloatVector dw = FloatVector.fromArray(Lanes.F, s, b * P);
                FloatVector s0 = w0.mul(xv[k0]);
                s0 = w1.fma(FloatVector.broadcast(Lanes.F, xv[k0 + 1]), s0);
                s0 = w2.fma(FloatVector.broadcast(Lanes.F, xv[k0 + 2]), s0);
                s0 = w3.fma(FloatVector.broadcast(Lanes.F, xv[k0 + 3]), s0);
                a0 = dw.mul(xs[(t + 0) * nb + b]).fma(s0, a0);
                FloatVector s1 = w0.mul(xv[k1]);
                s1 = w1.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 1]), s1);
                s1 = w2.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 2]), s1);
                s1 = w3.fma(FloatVector.broadcast(Lanes.F, xv[k1 + 3]), s1);
                a1 = dw.mul(xs[(t + 1) * nb + b]).fma(s1, a1);
                FloatVector s2 = w0.mul(xv[k2]);
                s2 = w1.fma(FloatVector.broadcast(Lanes.F, xv[k2 + 1]), s2);
                s2 = w2.fma(FloatVector.broadcast(Lanes.F, xv[k2 + 2]), s2);
                s2 = w3.fma(FloatVector.broadcast(Lanes.F, xv[k2 + 3]), s2);
                a2 = dw.mul(xs[(t + 2) * nb + b]).fma(s2, a2);
                FloatVector s3 = w0.mul(xv[k3]);
                s3 = w1.fma(FloatVector.broadcast(Lanes.F, xv[k3 + 1]), s3);
                s3 = w2.fma(FloatVector.broadcast(Lanes.F, xv[k3 + 2]), s3);
                s3 = w3.fma(FloatVector.broadcast(Lanes.F, xv[k3 + 3]), s3);
                a3 = dw.mul(xs[(t + 3) * nb + b]).fma(s3, a3);
            }
            a0.intoArray(park, l * P);
            a1.intoArray(park, (8 + l) * P);
            a2.intoArray(park, (16 + l) * P);
            a3.intoArray(park, (24 + l) * P);
        }
    }
}
