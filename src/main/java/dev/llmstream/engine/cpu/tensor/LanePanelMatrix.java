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
    /** Most tokens per strip pass: lane by lane, the lane and its activations stay in L1 ({@link #panelStrip}). */
    static final int STRIP_RUN = 16;
    /**
     * Fewest tokens that go over float strips, four tokens per {@link LaneKernels#strip4} call with the activations
     * grouped by lane ({@link PreparedInput#laneGroups}, always there for Q8 activations of this many tokens);
     * runs of whole groups of four, at most {@link #STRIP_RUN}, and a last one to three tokens go to the byte
     * kernels ({@link PanelMatrix} decides it from its {@code laneStrips} flag). Below it the byte kernels are as
     * fast (Q8_0 2560×1024, JMH: 4 tokens 27 against 29 GFLOP/s, 8 tokens 36 against 36; 16 tokens 54 against 46).
     */
    static final int STRIP_MIN = 8;

    /** Blocks per row. */
    final int nb;

    /**
     * @param fPerBlock floats per block and row in the panel: 1 (the scale {@code d}) or more (Q5_1: {@code d}
     *                  and {@code m}; the extra ones after all the scales)
     */
    LanePanelMatrix(GgmlType type, MemorySegment data, int rows, int cols, int fPerBlock) {
        super(type, data, rows, cols, (cols / BLOCK) * BLOCK * P, (cols / BLOCK) * fPerBlock * P, true);
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

    /** Strip: the scales, then the quants as floats in the panel's order (see {@link #panelStrip}). */
    @Override
    final int stripFloats() {
        return nb * P + nb * BLOCK * P;
    }

    /** Only the scales: {@link #panelStrip} widens the quants. */
    @Override
    final void stripPanel(int p, float[] strip) {
        System.arraycopy(f(p), fo(p), strip, 0, nb * P);
    }

    /** Eight panels per single-token pass (eight weight streams), four per token pair. */
    @Override
    int decodeGroup(boolean pair) {
        return pair ? 4 : 8;
    }

    /*
     * The drivers below run the kernels of LaneKernels lane by lane (l outermost) across the group's panels, so
     * that every panel of the group is read at once, and fold the parked lane accumulators at the end: slot a
     * of park holds P floats at park[a·P]; token i, panel j, lane l is slot 8(i·g + j) + l.
     */

    @Override
    final void panelBytes(int p, int g, PreparedInput x, int t, boolean pair, float[] res, float[] park) {
        float[] xv = x.values;
        float[] xs = x.scales;
        int lane = nb * 4 * P;
        if (pair) {
            for (int l = 0; l < 8; l++) {
                int k = t * cols + 4 * l;
                for (int j = 0; j < g; j++) {
                    LaneKernels.tokens2Panel1(q(p + j), qo(p + j) + l * lane, f(p + j), fo(p + j), nb, xv, k, cols, xs,
                            t * nb, nb, park, 8 * j + l, 8 * (g + j) + l);
                }
            }
        } else if (g == 1) {
            panelBytes1(p, x, t, park);
        } else {
            for (int l = 0; l < 8; l++) {
                int k = t * cols + 4 * l;
                for (int j = 0; j < g; j += 2) {
                    LaneKernels.token1Panels2(q(p + j), qo(p + j) + l * lane, qPanel, f(p + j), fo(p + j), fPanel, nb, xv,
                            k, xs, t * nb, park, 8 * j + l, 8 * (j + 1) + l);
                }
            }
        }
        int tokens = pair ? 2 : 1;
        foldParked(park, tokens * g, res);
        addBlockTerms(p, g, x, t, tokens, res);
    }

    /** Folds the eight lane slots of each of the first {@code n} results (one call site: C2 inlines it once). */
    private static void foldParked(float[] park, int n, float[] res) {
        for (int i = 0; i < n; i++) {
            fold8(park, 8 * i * P, res, i * P);
        }
    }

    @Override
    final int multiPanels() {
        return 1;
    }

    @Override
    final int multiTokens() {
        return 3;
    }

    @Override
    final void panelMulti(int p, PreparedInput x, int t, int tokens, float[] res, float[] park) {
        byte[] q = q(p);
        float[] f = f(p);
        int qo = qo(p);
        int fo = fo(p);
        for (int l = 0; l < 8; l++) {
            int k = t * cols + 4 * l;
            LaneKernels.tokens3Panel1(q, qo + l * nb * 4 * P, f, fo, nb, x.values, k, k + cols, k + 2 * cols, x.scales,
                    t * nb, (t + 1) * nb, (t + 2) * nb, park, l, 8 + l, 16 + l);
        }
        foldParked(park, 3, res);
        addBlockTerms(p, 1, x, t, 3, res);
    }

    /** Token {@code t} against one panel: lane accumulators into {@code park[l·P ..]}. */
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

    /**
     * Lane outermost, then the run's token groups, so that one lane of the panel as floats ({@code nb·4·P}: 7.5 KB
     * for 960 columns, 20 KB for 2 560) and the lane's activations stay in L1 while every group reads them.
     *
     * <p>A batch of one run (decode steps of up to {@link #STRIP_RUN} sequences) widens each lane just before its
     * groups, into L1: widening the whole panel first wrote it out through L2 and cost as much as the run's
     * multiply-adds at this size (JMH, 16 tokens: 54 against 49 GFLOP/s). A longer batch (prefill) widens the whole
     * panel once, on its first run ({@code t == 0}: the driver passes a panel's runs in token order), and every run
     * reads the lanes from there (64 tokens: 60 against 49 GFLOP/s when each run widened again). Token {@code i},
     * lane {@code l} parks in slot {@code 8i + l}, as the byte kernels do.
     */
    @Override
    final void panelStrip(float[][] strips, int p, int g, PreparedInput x, int t, int tokens, float[] res,
                          float[] park) {
        float[] s = strips[0];
        int lane = nb * 4 * P;
        boolean oneRun = x.tokens() <= STRIP_RUN;
        if (!oneRun && t == 0) {
            LaneKernels.widen(q(p), qo(p), s, nb * P, nb * BLOCK);
        }
        int four = PreparedInput.LANE_GROUP;
        for (int l = 0; l < 8; l++) {
            int wo = nb * P;
            if (oneRun) {
                LaneKernels.widen(q(p), qo(p) + l * lane, s, wo, nb * 4);
            } else {
                wo += l * lane;
            }
            for (int i = 0, grp = t / four; i < tokens / four; i++, grp++) {
                LaneKernels.strip4(s, wo, 0, nb, x.laneValues, grp * four * cols + l * nb * 16, x.laneScales,
                        grp * nb * four, park, 8 * four * i + l, 8);
            }
        }
        foldParked(park, tokens, res);
        addBlockTerms(p, 1, x, t, tokens, res);
    }
}
