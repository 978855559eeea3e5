package dev.llmstream.engine.cpu.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Dense micro-kernels over a strip of dequantized weight rows held in a per-thread float buffer. Used
 * for batches of several tokens: a format dequantizes a strip of rows once and the strip is multiplied
 * with every token, so dequantization cost is amortized over the batch and the inner loop is pure
 * loads + FMAs on a 4 x 4 register tile (16 accumulators + 4 weight + 1 activation vectors fit in the
 * 32 AVX-512 registers; two loads per four FMAs keeps it FMA-bound when both operands are in L1).
 *
 * <p>Traversal: the strip ({@link #rows(int)} rows, sized to stay in L2) is the outer block; token
 * quads are the middle loop and the strip's row quads the inner one, so a token quad's activations
 * (16 KB for 1024 columns) are loaded into L1 once per strip and reused by every row quad, while the
 * strip streams from L2. With 4-row strips (the first version) the activations of the whole batch
 * were re-read for every 4 rows: at 512 tokens (2 MB) from L3, at half the speed of a 64-token batch.
 *
 * <p>Each accumulator follows the canonical order of {@link Lanes}. The tile needs a column count that
 * is a multiple of {@code L}; otherwise every output takes {@link #dot}, whose last step is a masked
 * load whose inactive lanes add {@code fma(0, 0, acc) = acc}.
 */
final class StripKernel {
    /** Rows per register tile (and the granularity of a strip). */
    static final int ROWS = 4;
    private static final int TOKENS = 4;
    /** Floats of dequantized weights per strip: 256 KB, a safe share of a 2 MB L2. */
    private static final int STRIP_FLOATS = 64 * 1024;

    /** Per-thread parking space for a tile's 16 accumulators (see {@link Lanes#sumAt}). */
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[16 * Lanes.L]);

    private StripKernel() {}

    /** Rows per strip for this column count: a multiple of {@link #ROWS}, at least 4, at most 64. */
    static int rows(int cols) {
        return Math.clamp(STRIP_FLOATS / cols / ROWS * ROWS, ROWS, 64);
    }

    /**
     * {@code out[t * ldOut + row0 + i] = dot(strip[i * cols ..], x[t * cols ..])} for {@code i < nRows}
     * and tokens {@code t0 <= t < t1}.
     */
    static void multiply(float[] strip, int nRows, int cols, float[] x, int t0, int t1, float[] out, int ldOut,
                         int row0) {
        // Column counts that are not a multiple of L (only F32/F16/BF16 can have them) take the
        // one-row dot path: the tile has no masked tail, which keeps it within C2's inlining budget.
        int fullRows = cols % Lanes.L == 0 ? nRows / ROWS * ROWS : 0;
        int t = t0;
        float[] acc = ACC.get();
        if (fullRows > 0) {
            for (; t + TOKENS <= t1; t += TOKENS) {
                for (int i = 0; i < fullRows; i += ROWS) {
                    tile4x4(strip, i * cols, cols, x, t, out, ldOut, row0 + i, acc);
                }
            }
        }
        for (int tt = t0; tt < t1; tt++) {
            for (int i = tt < t ? fullRows : 0; i < nRows; i++) {
                out[tt * ldOut + row0 + i] = dot(strip, i * cols, x, tt * cols, cols, acc);
            }
        }
    }

    /** One strip row against one token ({@code park}: see {@link Lanes#sumAt}). */
    static float dot(float[] w, int wOff, float[] x, int xOff, int cols, float[] park) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        int k = 0;
        int bound = Lanes.F.loopBound(cols);
        for (; k < bound; k += Lanes.L) {
            acc = FloatVector.fromArray(Lanes.F, w, wOff + k).fma(FloatVector.fromArray(Lanes.F, x, xOff + k), acc);
        }
        if (k < cols) {
            VectorMask<Float> m = Lanes.F.indexInRange(k, cols);
            acc = FloatVector.fromArray(Lanes.F, w, wOff + k, m)
                    .fma(FloatVector.fromArray(Lanes.F, x, xOff + k, m), acc);
        }
        acc.intoArray(park, 0);
        return Lanes.sumAt(park, 0);
    }

    /** Rows {@code row0..+3} x tokens {@code t0..+3}; {@code cols} is a multiple of {@code L}. */
    private static void tile4x4(float[] w, int w0, int cols, float[] x, int t0, float[] out, int ldOut, int row0,
                                float[] acc) {
        FloatVector a00 = FloatVector.zero(Lanes.F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        int x0 = t0 * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        for (int k = 0; k < cols; k += Lanes.L) {
            FloatVector r0 = FloatVector.fromArray(Lanes.F, w, w0 + k);
            FloatVector r1 = FloatVector.fromArray(Lanes.F, w, w1 + k);
            FloatVector r2 = FloatVector.fromArray(Lanes.F, w, w2 + k);
            FloatVector r3 = FloatVector.fromArray(Lanes.F, w, w3 + k);
            FloatVector v = FloatVector.fromArray(Lanes.F, x, x0 + k);
            a00 = r0.fma(v, a00); a10 = r1.fma(v, a10); a20 = r2.fma(v, a20); a30 = r3.fma(v, a30);
            v = FloatVector.fromArray(Lanes.F, x, x1 + k);
            a01 = r0.fma(v, a01); a11 = r1.fma(v, a11); a21 = r2.fma(v, a21); a31 = r3.fma(v, a31);
            v = FloatVector.fromArray(Lanes.F, x, x2 + k);
            a02 = r0.fma(v, a02); a12 = r1.fma(v, a12); a22 = r2.fma(v, a22); a32 = r3.fma(v, a32);
            v = FloatVector.fromArray(Lanes.F, x, x3 + k);
            a03 = r0.fma(v, a03); a13 = r1.fma(v, a13); a23 = r2.fma(v, a23); a33 = r3.fma(v, a33);
        }
        final int l = Lanes.L;
        a00.intoArray(acc, 0); a10.intoArray(acc, l); a20.intoArray(acc, 2 * l); a30.intoArray(acc, 3 * l);
        a01.intoArray(acc, 4 * l); a11.intoArray(acc, 5 * l); a21.intoArray(acc, 6 * l); a31.intoArray(acc, 7 * l);
        a02.intoArray(acc, 8 * l); a12.intoArray(acc, 9 * l); a22.intoArray(acc, 10 * l); a32.intoArray(acc, 11 * l);
        a03.intoArray(acc, 12 * l); a13.intoArray(acc, 13 * l); a23.intoArray(acc, 14 * l); a33.intoArray(acc, 15 * l);
        for (int t = 0; t < TOKENS; t++) {
            int o = (t0 + t) * ldOut + row0;
            for (int i = 0; i < ROWS; i++) {
                out[o + i] = Lanes.sumAt(acc, (4 * t + i) * l);
            }
        }
    }
}
