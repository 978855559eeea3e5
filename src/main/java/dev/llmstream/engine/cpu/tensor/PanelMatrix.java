package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The formats whose activations llama.cpp quantizes to 8 bits (Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q6_K): every output is
 * computed with ggml's own arithmetic ({@link GgmlDots}) — exact integer partial sums, then the scale
 * multiply-adds in ggml's order — so it is bit-identical to llama.cpp's and independent of the batch.
 *
 * <p><b>Lanes over rows.</b> Because the partial sums are exact integers, how the products are grouped does
 * not change the result; only the float steps (which sums get which scale, accumulated in which order) must
 * be ggml's, and those happen per row. So the vector lanes run over the {@link #P} rows of a panel
 * ({@link PanelStore}): a kernel loads the quants of {@code P} rows at one position as one vector, multiplies it
 * with the activation quant broadcast from a float (products and block sums of 8-bit integers are exact in
 * float), and keeps one accumulator vector per ggml lane. A row's ggml lanes then sit in separate vectors, so ggml's final horizontal fold is
 * plain vector adds and {@code P} results are stored at once. No cross-lane operation is needed anywhere.
 *
 * <p>The same panels serve one token (decode: quants converted on the fly, about three vector operations per
 * {@code P} weights) and many (prefill: a panel is converted to floats once into a per-thread strip and every
 * token pair runs over it with one load and one multiply-add per {@code P} products).
 */
abstract class PanelMatrix extends PanelStore {
    /** Batches at least this large convert each panel to floats first. */
    static final int STRIP_MIN_TOKENS = 4;
    /**
     * Batches of 3 up to (not including) this many tokens take the multi-token kernel ({@link #panelMulti}) where
     * the format has one: widening each weight vector once per three or four tokens in registers beats writing the
     * panel out as floats and reading it back up to about 32 tokens (measured with the four-token kernel, Q8_0,
     * 600-token context, one step: 16 tokens 135 → 121 ms, 32 tokens 243 → 234 ms; 64 tokens no better, 128
     * worse); larger batches (prefill chunks) amortize the strip's conversion. The lane formats
     * ({@link LanePanelMatrix}) go over lane strips from {@link LanePanelMatrix#STRIP_MIN} tokens instead.
     */
    static final int MULTI_MAX_TOKENS = 33;
    /** Per-thread parking space for accumulators between a kernel's passes (128 vectors). */
    private static final ThreadLocal<float[]> PARK = ThreadLocal.withInitial(() -> new float[128 * P]);
    private static final ThreadLocal<float[][]> STRIPS = ThreadLocal.withInitial(() -> new float[MAX_GROUP][0]);
    /** {@link LanePanelMatrix}: strips lane by lane, four tokens per kernel call, from 8 tokens on. */
    private final boolean laneStrips;

    PanelMatrix(GgmlType type, MemorySegment data, int rows, int cols, int qPanel, int fPanel, boolean laneStrips) {
        super(type, data, rows, cols, qPanel, fPanel);
        this.laneStrips = laneStrips;
    }

    /** Floats per panel in the per-thread strip of {@link #stripPanel}. */
    abstract int stripFloats();

    /** Converts panel {@code p} to floats in {@code strip} (layout chosen by the format). */
    abstract void stripPanel(int p, float[] strip);

    /** Panels converted to one strip and multiplied together (1 or more). */
    int stripGroup() {
        return 1;
    }

    /** Tokens per {@link #panelStrip} call. */
    int stripTokens() {
        return 4;
    }

    /**
     * Whether a batch of {@code n} tokens of {@code x} goes over float strips (the rest: the byte kernels). A
     * field, not an overridden method: a second receiver at the driver's call sites changed what C2 compiled
     * around them, and Q4_0's strip kernel boxed its vectors (the allocation guard, 37 tokens). A tidier shape, a
     * record of (fewest tokens, step, longest run) that each format hands the constructor, boxed the same kernel
     * again in that guard; the mechanism is not understood, so keep this shape until it is, and run
     * {@code mvn test} (its allocation-tests execution) after any change to the driver.
     */
    private boolean stripsFor(PreparedInput x, int n) {
        if (laneStrips) {
            return x.laneGroups() && n >= LanePanelMatrix.STRIP_MIN;
        }
        return n >= STRIP_MIN_TOKENS && !(multiPanels() > 0 && n < MULTI_MAX_TOKENS);
    }

    /**
     * Tokens the next {@link #panelStrip} call takes when {@code left} remain, or 0 when the rest go to the byte
     * kernels: {@link #stripTokens} at a time, or for lane strips whole groups of four up to
     * {@link LanePanelMatrix#STRIP_RUN}.
     */
    private int stripRun(int left) {
        if (laneStrips) {
            return Math.min(LanePanelMatrix.STRIP_RUN, left - left % PreparedInput.LANE_GROUP);
        }
        return left >= stripTokens() ? stripTokens() : 0;
    }

    /**
     * Panels {@code p .. p+g-1} against token {@code t} of {@code x} (and {@code t+1} if {@code pair}) from the
     * bytes: token {@code i}, panel {@code j} into {@code res[(i·g + j)·P ..]}. {@code g} is 1 or
     * {@link #decodeGroup}{@code (pair)}. {@code park} ({@code 64 P} floats) is scratch for accumulators.
     */
    abstract void panelBytes(int p, int g, PreparedInput x, int t, boolean pair, float[] res, float[] park);

    /** Panels one {@link #panelMulti} call takes (1 or 2), or 0 when the format has no multi-token kernel. */
    int multiPanels() {
        return 0;
    }

    /** Most tokens one {@link #panelMulti} call takes (3 or 4); a call always gets at least 3. */
    int multiTokens() {
        return 4;
    }

    /**
     * Panels {@code p .. p+multiPanels()-1} against tokens {@code t .. t+tokens-1} ({@code tokens} 3 up to
     * {@link #multiTokens}) from the bytes: token {@code i}, panel {@code j} into {@code res[(i·multiPanels() + j)·P ..]}.
     * Only where {@link #multiPanels} is not 0.
     */
    void panelMulti(int p, PreparedInput x, int t, int tokens, float[] res, float[] park) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no multi-token kernel");
    }

    /**
     * Panels one decode kernel call takes (1 to {@link #MAX_GROUP}). Streaming several panels at once is what
     * makes decode fast from memory: each panel is one sequential stream, and several streams in one loop
     * keep several times more cache-line misses in flight (Q8_0 from DRAM, one thread: 6.8 GB/s with one
     * panel per pass, 10 with four, 11.9 with eight).
     */
    int decodeGroup(boolean pair) {
        return 1;
    }

    /**
     * Tokens {@code t .. t + tokens - 1} ({@code tokens} as {@link #stripRun} gave it) against panels
     * {@code p .. p+g-1} ({@code g} = 1 or {@link #stripGroup}) over their float strips ({@code strips[j]} for
     * panel {@code p + j}): token {@code i}, panel {@code j} into {@code res[(i·g + j)·P ..]}. Separate arrays per
     * panel keep the kernels' indexing simple enough for C2 to hoist every bounds check.
     */
    abstract void panelStrip(float[][] strips, int p, int g, PreparedInput x, int t, int tokens, float[] res,
                             float[] park);

    /** Row chunks of whole decode groups, so that the multi-panel decode kernels get to run. */
    @Override
    public int rowAlignment() {
        return decodeGroup(false) * P;
    }

    /** llama.cpp's dot product of row {@code r} with token {@code t} of {@code x} (see {@link GgmlDots}). */
    abstract float dotScalar(int r, PreparedInput x, int t);

    @Override
    public void matmulScalar(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) {
            for (int t = 0; t < x.tokens(); t++) {
                out[t * ldOut + r] = dotScalar(r, x, t);
            }
        }
    }

    @Override
    public void matmul(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        float[] res = results();
        float[] park = PARK.get();
        int n = x.tokens();
        int p0 = rowStart / P;
        int p1 = (rowEnd + P - 1) / P;
        if (stripsFor(x, n)) {
            float[][] s = strips();
            for (int p = p0; p < p1; ) {
                int g = stripGroup() <= p1 - p ? stripGroup() : 1;
                for (int j = 0; j < g; j++) {
                    stripPanel(p + j, s[j]);
                }
                int t = 0;
                for (int run; (run = stripRun(n - t)) > 0; t += run) {
                    panelStrip(s, p, g, x, t, run, res, park);
                    emit(res, run, g, out, t, ldOut, p, rowStart, rowEnd);
                }
                decode(p, g, x, t, n, res, park, out, ldOut, rowStart, rowEnd);
                p += g;
            }
            return;
        }
        // decode-sized batches: panel groups outermost, so the weights stream from memory once. Past the last whole
        // group, panels go in multi-token-kernel groups where there is one: a 960-row matrix ends in 4 lone panels
        // per 128-row group boundary, and without it 16 tokens there took 8 pair passes
        int qp = multiPanels();
        for (int p = p0; p < p1; ) {
            int rest = p1 - p;
            int g = decodeGroup(false) <= rest ? decodeGroup(false) : qp > 0 && n >= 3 && rest >= qp ? qp : 1;
            decode(p, g, x, 0, n, res, park, out, ldOut, rowStart, rowEnd);
            p += g;
        }
    }

    /**
     * Panels {@code p .. p+g-1} against tokens {@code [t, n)}: runs of {@link #multiTokens} tokens (a last three as
     * one run) where the format has a multi-token kernel and the group whole {@link #multiPanels} groups, then
     * pairs, then a single token.
     */
    private void decode(int p, int g, PreparedInput x, int t, int n, float[] res, float[] park, float[] out,
                        int ldOut, int rowStart, int rowEnd) {
        int qp = multiPanels();
        if (qp > 0 && g % qp == 0) {
            int qt = multiTokens();
            for (; n - t >= 3; t += qt) {
                int tokens = Math.min(qt, n - t);
                for (int j = 0; j < g; j += qp) {
                    panelMulti(p + j, x, t, tokens, res, park);
                    emit(res, tokens, qp, out, t, ldOut, p + j, rowStart, rowEnd);
                }
            }
        }
        for (; t + 2 <= n; t += 2) {
            int gp = decodeGroup(true) <= g ? decodeGroup(true) : 1;
            for (int j = 0; j < g; j += gp) {
                panelBytes(p + j, gp, x, t, true, res, park);
                emit(res, 2, gp, out, t, ldOut, p + j, rowStart, rowEnd);
            }
        }
        if (t < n) {
            int gs = decodeGroup(false) <= g ? decodeGroup(false) : 1;
            for (int j = 0; j < g; j += gs) {
                panelBytes(p + j, gs, x, t, false, res, park);
                emit(res, 1, gs, out, t, ldOut, p + j, rowStart, rowEnd);
            }
        }
    }

    private float[][] strips() {
        float[][] s = STRIPS.get();
        for (int j = 0; j < stripGroup(); j++) {
            if (s[j].length < stripFloats()) {
                s[j] = new float[stripFloats()];
            }
        }
        return s;
    }

    /**
     * ggml's {@code hsum_float_8} of eight parked lane accumulators ({@code park[a + l·P ..]}, {@code l = 0..7}):
     * {@code ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7))}, for {@code P} rows at once, into
     * {@code res[o..o+P)}.
     */
    static void fold8(float[] park, int a, float[] res, int o) {
        FloatVector a0 = FloatVector.fromArray(Lanes.F, park, a);
        FloatVector a1 = FloatVector.fromArray(Lanes.F, park, a + P);
        FloatVector a2 = FloatVector.fromArray(Lanes.F, park, a + 2 * P);
        FloatVector a3 = FloatVector.fromArray(Lanes.F, park, a + 3 * P);
        FloatVector a4 = FloatVector.fromArray(Lanes.F, park, a + 4 * P);
        FloatVector a5 = FloatVector.fromArray(Lanes.F, park, a + 5 * P);
        FloatVector a6 = FloatVector.fromArray(Lanes.F, park, a + 6 * P);
        FloatVector a7 = FloatVector.fromArray(Lanes.F, park, a + 7 * P);
        a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7))).intoArray(res, o);
    }

}
