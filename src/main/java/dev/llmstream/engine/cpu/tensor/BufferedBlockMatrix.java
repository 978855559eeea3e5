package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Decode kernels for the formats whose per-weight decoding is long (K-quants, F16): each of the tile's
 * rows dequantizes a {@link #chunk} of weights into a per-thread float buffer (a few KB, so it never
 * leaves L1), and the tile's dot products run over the buffer.
 *
 * <p>Why not fuse in registers as {@link Q8_0Matrix} does: C2 expands every Vector API call into a large
 * node graph, and four rows of K-quant decoding plus their scale arithmetic exceed its inlining
 * budget ({@code NodeCountInliningCutoff}). Helpers returning vectors are then called out of line and
 * every vector is boxed on the heap: the register-fused Q4_K kernel allocated 6 bytes per weight and
 * ran at 0.6 G weights/s. Here the dequantization is a separate method taking and returning only
 * primitives and arrays, so whether or not C2 inlines it nothing is boxed; the buffer costs one store
 * and one load per vector, which run on ports the decode arithmetic does not use.
 *
 * <p>Results follow the canonical order of {@link Lanes}: element {@code k} of the row goes to lane
 * {@code k mod L} (chunks are multiples of {@code L}), FMAs in increasing {@code k}.
 */
abstract class BufferedBlockMatrix extends CanonicalMatrix {
    private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    /** Weights dequantized per row and buffer fill; a multiple of {@code L} and of the block size. */
    private final int chunk;

    BufferedBlockMatrix(GgmlType type, MemorySegment data, int rows, int cols, int chunk) {
        super(type, data, rows, cols);
        this.chunk = chunk;
    }

    /**
     * Vector dequantization of elements {@code [from, to)} of {@code row} into {@code out[off ..]};
     * {@code from} is a multiple of the chunk, {@code to} one too or {@code cols}.
     */
    abstract void dequantizeSpan(int row, int from, int to, float[] out, int off);

    @Override
    public final void dequantizeRow(int row, float[] out, int off) {
        dequantizeSpan(row, 0, cols, out, off);
    }

    private float[] buffer() {
        float[] b = BUFFER.get();
        if (b.length < 4 * chunk) {
            b = new float[4 * chunk];
            BUFFER.set(b);
        }
        return b;
    }

    @Override
    protected final float fused1(int r, float[] x, int xOff, float[] park) {
        float[] w = buffer();
        FloatVector acc = FloatVector.zero(Lanes.F);
        for (int k0 = 0; k0 < cols; k0 += chunk) {
            int n = Math.min(chunk, cols - k0);
            dequantizeSpan(r, k0, k0 + n, w, 0);
            int bound = Lanes.F.loopBound(n);
            int k = 0;
            for (; k < bound; k += Lanes.L) {
                acc = FloatVector.fromArray(Lanes.F, w, k).fma(FloatVector.fromArray(Lanes.F, x, xOff + k0 + k), acc);
            }
            if (k < n) {
                VectorMask<Float> m = Lanes.F.indexInRange(k, n);
                acc = FloatVector.fromArray(Lanes.F, w, k, m)
                        .fma(FloatVector.fromArray(Lanes.F, x, xOff + k0 + k, m), acc);
            }
        }
        acc.intoArray(park, 0);
        return Lanes.sumAt(park, 0);
    }

    @Override
    protected final void fused4(int r, float[] x, int xOff, float[] out, int oOff, float[] acc) {
        float[] w = buffer();
        int c = chunk;
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        for (int k0 = 0; k0 < cols; k0 += c) {
            int n = Math.min(c, cols - k0);
            // one call site, not four: C2 inlines it once and stays within its node budget
            for (int i = 0; i < 4; i++) {
                dequantizeSpan(r + i, k0, k0 + n, w, i * c);
            }
            int bound = Lanes.F.loopBound(n);
            int k = 0;
            for (; k < bound; k += Lanes.L) {
                FloatVector v = FloatVector.fromArray(Lanes.F, x, xOff + k0 + k);
                a0 = FloatVector.fromArray(Lanes.F, w, k).fma(v, a0);
                a1 = FloatVector.fromArray(Lanes.F, w, c + k).fma(v, a1);
                a2 = FloatVector.fromArray(Lanes.F, w, 2 * c + k).fma(v, a2);
                a3 = FloatVector.fromArray(Lanes.F, w, 3 * c + k).fma(v, a3);
            }
            if (k < n) {
                VectorMask<Float> m = Lanes.F.indexInRange(k, n);
                FloatVector v = FloatVector.fromArray(Lanes.F, x, xOff + k0 + k, m);
                a0 = FloatVector.fromArray(Lanes.F, w, k, m).fma(v, a0);
                a1 = FloatVector.fromArray(Lanes.F, w, c + k, m).fma(v, a1);
                a2 = FloatVector.fromArray(Lanes.F, w, 2 * c + k, m).fma(v, a2);
                a3 = FloatVector.fromArray(Lanes.F, w, 3 * c + k, m).fma(v, a3);
            }
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, Lanes.L);
        a2.intoArray(acc, 2 * Lanes.L);
        a3.intoArray(acc, 3 * Lanes.L);
        sums4(acc, 0, out, oOff + r);
    }
}
