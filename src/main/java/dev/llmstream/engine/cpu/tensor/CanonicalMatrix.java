package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float kernels in the canonical lane order of {@link Lanes} ({@code L} lane accumulators, element {@code k}
 * to lane {@code k mod L}, one fold), used where that order is llama.cpp's own — F32/F16 batches, whose
 * {@code llamafile_sgemm} (tinyBLAS) keeps one 16-lane accumulator per output — and for the formats whose
 * ggml arithmetic is not reproduced (BF16, Q5_K: they multiply the activations' float values).
 *
 * <ul>
 *   <li><b>Fused</b> (fewer than {@link #STRIP_MIN_TOKENS} tokens): weights are dequantized in registers
 *       (or, for long decoders, into an L1 block buffer: {@link BufferedBlockMatrix}) and consumed at once,
 *       row groups outermost, so a group's bytes are read once per call.</li>
 *   <li><b>Strip</b> (larger batches): a strip of rows ({@link StripKernel#rows}, L2-sized) is dequantized
 *       into a per-thread float buffer once and multiplied with every token on a register tile.</li>
 * </ul>
 * Both produce bit-identical results. Kernels follow the rules in {@link QuantVectors} (no vector crosses a
 * call of ours; accumulators are folded through {@link Lanes#sumAt}), so a compiled call allocates nothing.
 */
abstract class CanonicalMatrix extends BlockMatrix {
    /** Batches at least this large take the strip path. */
    static final int STRIP_MIN_TOKENS = 4;

    private static final ThreadLocal<float[]> STRIP = ThreadLocal.withInitial(() -> new float[0]);
    /** Per-thread parking space for a decode tile's accumulators (see {@link Lanes#sumAt}). */
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[16 * Lanes.L]);
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;

    CanonicalMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        super(type, data, rows, cols);
    }

    /** Every token in the canonical order over the activations' float values. */
    @Override
    public void matmul(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        canonical(x.dequantized(), 0, x.tokens(), out, ldOut, rowStart, rowEnd);
    }

    @Override
    public void matmulScalar(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        canonicalScalar(x.dequantized(), 0, x.tokens(), out, ldOut, rowStart, rowEnd);
    }

    /**
     * F32/F16 as llama.cpp computes them: tokens whose micro-batch goes through {@code llamafile_sgemm}
     * ({@link MatmulMode#MULTI}, and the matrix has {@code cols % 16 == 0}, {@code rows % 4 == 0}) in the
     * tinyBLAS order — the canonical order when {@code L = 16} — the others through {@code ggml_vec_dot_f32}
     * or {@code _f16} ({@code halfTail}: its tail is summed in double). Where the vector width is not 16
     * the scalar twins run.
     */
    final void ggmlFloat(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd, boolean halfTail) {
        boolean tinyShape = cols % 16 == 0 && rows % 4 == 0;
        int n = x.tokens();
        for (int t = 0; t < n; ) {
            boolean batch = tinyShape && MatmulMode.multi(x.mode(t));
            int e = t + 1;
            while (e < n && (tinyShape && MatmulMode.multi(x.mode(e))) == batch) {
                e++;
            }
            if (Lanes.L != 16) {
                ggmlFloatScalar(x.values, t, e, batch, out, ldOut, rowStart, rowEnd, halfTail);
            } else if (batch) {
                canonical(x.values, t, e, out, ldOut, rowStart, rowEnd);
            } else {
                vecDot(x.values, t, e, out, ldOut, rowStart, rowEnd, halfTail);
            }
            t = e;
        }
    }

    /** Scalar twin of {@link #ggmlFloat} ({@link GgmlDots#tiny16}, {@link GgmlDots#vecDotF32}/{@code F16}). */
    final void ggmlFloatScalar(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd, boolean halfTail) {
        boolean tinyShape = cols % 16 == 0 && rows % 4 == 0;
        for (int t = 0; t < x.tokens(); t++) {
            ggmlFloatScalar(x.values, t, t + 1, tinyShape && MatmulMode.multi(x.mode(t)), out, ldOut, rowStart,
                    rowEnd, halfTail);
        }
    }

    private void ggmlFloatScalar(float[] x, int t0, int t1, boolean batch, float[] out, int ldOut, int rowStart,
                                 int rowEnd, boolean halfTail) {
        float[] w = new float[cols];
        for (int r = rowStart; r < rowEnd; r++) {
            dequantizeRowScalar(r, w, 0);
            for (int t = t0; t < t1; t++) {
                out[t * ldOut + r] = batch ? GgmlDots.tiny16(w, x, t * cols, cols)
                        : halfTail ? GgmlDots.vecDotF16(w, x, t * cols, cols) : GgmlDots.vecDotF32(w, x, t * cols, cols);
            }
        }
    }

    /**
     * {@code ggml_vec_dot_f32/f16} on AVX-512 ({@code L = 16}): four accumulators over 64-element steps,
     * folded {@code (s0 + s2) + (s1 + s3)} and reduced; then the tail as {@link GgmlDots#vecDotF32} /
     * {@link GgmlDots#vecDotF16} sum it. Rows are dequantized once into a per-thread buffer.
     */
    private void vecDot(float[] x, int t0, int t1, float[] out, int ldOut, int rowStart, int rowEnd,
                        boolean halfTail) {
        float[] w = ROW.get();
        if (w.length < cols) {
            w = new float[cols];
            ROW.set(w);
        }
        float[] park = ACC.get();
        int np = cols & ~63;
        int v = np + ((cols - np) & ~7);
        for (int r = rowStart; r < rowEnd; r++) {
            dequantizeRow(r, w, 0);
            for (int t = t0; t < t1; t++) {
                int xo = t * cols;
                float sum = 0f;
                if (np > 0) {
                    FloatVector s0 = FloatVector.zero(F512), s1 = s0, s2 = s0, s3 = s0;
                    for (int i = 0; i < np; i += 64) {
                        s0 = FloatVector.fromArray(F512, w, i).fma(FloatVector.fromArray(F512, x, xo + i), s0);
                        s1 = FloatVector.fromArray(F512, w, i + 16).fma(FloatVector.fromArray(F512, x, xo + i + 16), s1);
                        s2 = FloatVector.fromArray(F512, w, i + 32).fma(FloatVector.fromArray(F512, x, xo + i + 32), s2);
                        s3 = FloatVector.fromArray(F512, w, i + 48).fma(FloatVector.fromArray(F512, x, xo + i + 48), s3);
                    }
                    s0.add(s2).add(s1.add(s3)).intoArray(park, 0);
                    sum = Lanes.sumAt(park, 0);
                }
                if (halfTail) {
                    double d = sum;
                    for (int i = np; i < cols; i++) {
                        d += w[i] * x[xo + i];
                    }
                    sum = (float) d;
                } else {
                    for (int i = np; i < v; i++) {
                        sum += w[i] * x[xo + i];
                    }
                    for (int i = v; i < cols; i++) {
                        sum = Math.fma(w[i], x[xo + i], sum);
                    }
                }
                out[t * ldOut + r] = sum;
            }
        }
    }

    /** Tokens {@code [t0, t1)} of {@code x} ({@code [token × cols]}) in the canonical order. */
    final void canonical(float[] x, int t0, int t1, float[] out, int ldOut, int rowStart, int rowEnd) {
        if (t1 - t0 < STRIP_MIN_TOKENS) {
            fusedDecode(x, t0, t1, out, ldOut, rowStart, rowEnd);
            return;
        }
        int stripRows = StripKernel.rows(cols);
        float[] strip = STRIP.get();
        if (strip.length < stripRows * cols) {
            strip = new float[stripRows * cols];
            STRIP.set(strip);
        }
        for (int r = rowStart; r < rowEnd; r += stripRows) {
            int n = Math.min(stripRows, rowEnd - r);
            for (int i = 0; i < n; i++) {
                dequantizeRow(r + i, strip, i * cols);
            }
            StripKernel.multiply(strip, n, cols, x, t0, t1, out, ldOut, r);
        }
    }

    /** Scalar twin of {@link #canonical}. */
    final void canonicalScalar(float[] x, int t0, int t1, float[] out, int ldOut, int rowStart, int rowEnd) {
        float[] w = new float[cols];
        for (int r = rowStart; r < rowEnd; r++) {
            dequantizeRowScalar(r, w, 0);
            for (int t = t0; t < t1; t++) {
                out[t * ldOut + r] = ScalarDot.dot(w, 0, x, t * cols, cols);
            }
        }
    }

    /**
     * Decode-sized batches. Row groups are the outer loop, so a group's weights are read from memory once
     * and stay in L1 while every token passes over them.
     */
    private void fusedDecode(float[] x, int t0, int t1, float[] out, int ldOut, int rowStart, int rowEnd) {
        float[] acc = ACC.get();
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            for (int t = t0; t < t1; t++) {
                fused4(r, x, t * cols, out, t * ldOut, acc);
            }
        }
        for (; r < rowEnd; r++) {
            for (int t = t0; t < t1; t++) {
                out[t * ldOut + r] = fused1(r, x, t * cols, acc);
            }
        }
    }

    /**
     * Rows {@code r..r+3} against token {@code x[xOff..]}, into {@code out[oOff + r .. + 3]}; {@code acc}
     * ({@code 16 L} floats) is where the kernel parks its accumulators before folding them with
     * {@link Lanes#sumAt} (see there why not {@link Lanes#sum(jdk.incubator.vector.FloatVector)}).
     */
    protected abstract void fused4(int r, float[] x, int xOff, float[] out, int oOff, float[] acc);

    /**
     * The end of every {@link #fused4}, after it stored its accumulators {@code a0..a3} at
     * {@code acc[a], acc[a+L], acc[a+2L], acc[a+3L]}: folds them into {@code out[o .. o+3]}.
     */
    static void sums4(float[] acc, int a, float[] out, int o) {
        for (int i = 0; i < 4; i++) {
            out[o + i] = Lanes.sumAt(acc, a + i * Lanes.L);
        }
    }

    /** Row {@code r} against token {@code x[xOff..]}; {@code park} as {@code acc} of {@link #fused4}. */
    protected abstract float fused1(int r, float[] x, int xOff, float[] park);
}
