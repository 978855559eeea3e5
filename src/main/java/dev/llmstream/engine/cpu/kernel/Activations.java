package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Per-token elementwise kernels of the forward pass, each computed with llama.cpp's arithmetic (ggml-cpu,
 * AVX-512 build): the activations they produce are quantized to 8 bits before the next matmul, where a
 * one-ulp difference can flip a rounding and move the logits by 1e-3. Every function works on one token's
 * slice with the same operations for every token, so results never depend on the batch.
 */
public final class Activations {
    /** ggml's SwiGLU vectorizes over whole 16-value chunks and finishes with the scalar formula. */
    private static final int SILU_CHUNK = 16;
    private static final float EXP_SHIFT = 0x1.8p23f;
    private static final float LOG2E = 0x1.715476p+0f;
    private static final float LN2_HI = 0x1.62e4p-1f;
    private static final float LN2_LO = 0x1.7f7d1cp-20f;
    private static final float P1 = 0x1.ffffecp-1f;
    private static final float P2 = 0x1.fffdb6p-2f;
    private static final float P3 = 0x1.555e66p-3f;
    private static final float P4 = 0x1.573e2ep-5f;
    private static final float P5 = 0x1.0e4020p-7f;

    private Activations() {}

    /**
     * RMSNorm (Zhang &amp; Sennrich 2019) as ggml's {@code ggml_compute_forward_rms_norm_f32} computes it: the
     * float squares summed in order in double ({@code ggml_float}), {@code mean = (float) (sum / n)},
     * {@code scale = 1.0f / sqrtf(mean + eps)}, then {@code x·scale} and, as a separate {@code ggml_mul},
     * {@code ·w}. The sum is sequential on purpose: any other order changes the bits.
     */
    public static void rmsNorm(float[] x, int xOff, float[] w, float[] out, int outOff, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            sum += v * v;
        }
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        scaleMul(x, xOff, scale, w, 0, out, outOff, n);
    }

    /** {@code out[i] = (x[i] · s) · w[i]} for one vector of length {@code n}. */
    public static void scaleMul(float[] x, int xOff, float s, float[] w, int wOff, float[] out, int outOff, int n) {
        int bound = Lanes.F.loopBound(n);
        int i = 0;
        for (; i < bound; i += Lanes.L) {
            FloatVector.fromArray(Lanes.F, x, xOff + i).mul(s)
                    .mul(FloatVector.fromArray(Lanes.F, w, wOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = (x[xOff + i] * s) * w[wOff + i];
        }
    }

    /** In-place RMSNorm of a short vector (per-head Q/K norm of Qwen3). */
    public static void rmsNormInPlace(float[] x, int off, float[] w, int n, float eps) {
        rmsNorm(x, off, w, x, off, n, eps);
    }

    /** {@code a[i] += b[i]} (residual connection). */
    public static void add(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = Lanes.F.loopBound(n);
        int i = 0;
        for (; i < bound; i += Lanes.L) {
            FloatVector.fromArray(Lanes.F, a, aOff + i).add(FloatVector.fromArray(Lanes.F, b, bOff + i))
                    .intoArray(a, aOff + i);
        }
        for (; i < n; i++) {
            a[aOff + i] += b[bOff + i];
        }
    }

    /**
     * SwiGLU (Shazeer 2020), {@code gate[i] = silu(gate[i]) · up[i]} with {@code silu(g) = g / (1 + e^-g)}, as
     * ggml's {@code ggml_vec_swiglu_f32} on AVX-512: whole chunks of 16 values use {@code ggml_v_silu}, whose
     * {@code e^x} is ggml's own ({@code ggml_v_expf}: {@code n = round(x·log2 e)} by the 1.5·2^23 shift,
     * {@code b = x − n·ln2} in two fused steps, a degree-5 polynomial, then {@code ·2^n} as
     * {@code _mm512_scalef_ps}; |n| &gt; 192 gives 0 or +Inf); the remaining values use the scalar
     * {@code ggml_silu_f32} with the C library's {@code expf} ({@link LibmExpf}). Checked bit for bit against
     * ggml ({@code swiglu-vectors.bin} in the tests). {@link #swigluScalar} is the scalar twin.
     */
    public static void swiglu(float[] gate, float[] up, int off, int n) {
        int chunks = n / SILU_CHUNK * SILU_CHUNK;
        FloatVector zero = FloatVector.zero(Lanes.F);
        FloatVector inf = FloatVector.broadcast(Lanes.F, Float.POSITIVE_INFINITY);
        FloatVector ln2Hi = FloatVector.broadcast(Lanes.F, LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(Lanes.F, LN2_LO);
        for (int i = 0; i < chunks; i += Lanes.L) {
            FloatVector x = FloatVector.fromArray(Lanes.F, gate, off + i);
            FloatVector nx = zero.sub(x);
            FloatVector nf = nx.fma(LOG2E, EXP_SHIFT).sub(EXP_SHIFT);
            FloatVector b = nf.neg().fma(ln2Lo, nf.neg().fma(ln2Hi, nx));
            FloatVector u = b.mul(b);
            FloatVector j = b.fma(P5, P4).fma(u, b.fma(P3, P2)).fma(u, b.fma(P1, 1f));
            // j · 2^n in two exact power-of-two steps (|n| <= 192 splits into halves a normal float holds)
            IntVector ni = (IntVector) nf.max(-192f).min(192f).convert(VectorOperators.F2I, 0);
            IntVector lo = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = j.mul(lo.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(lo).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            VectorMask<Float> big = nf.abs().compare(VectorOperators.GT, 192f);
            e = e.blend(inf.blend(zero, nf.compare(VectorOperators.LE, 0f)), big);
            x.div(e.add(1f)).mul(FloatVector.fromArray(Lanes.F, up, off + i)).intoArray(gate, off + i);
        }
        for (int i = chunks; i < n; i++) {
            float g = gate[off + i];
            gate[off + i] = g / (1.0f + LibmExpf.expf(-g)) * up[off + i];
        }
    }

    /** Scalar twin of {@link #swiglu}: the same operations one value at a time. */
    public static void swigluScalar(float[] gate, float[] up, int off, int n) {
        int chunks = n / SILU_CHUNK * SILU_CHUNK;
        for (int i = 0; i < n; i++) {
            float g = gate[off + i];
            float e = i < chunks ? ggmlExpf(0f - g) : LibmExpf.expf(-g);
            gate[off + i] = g / (1.0f + e) * up[off + i];
        }
    }

    /**
     * {@code y[yOff + i] = ggml_v_expf(x[xOff + i] − sub)} for {@code n} values ({@code n} a multiple of 16),
     * the exponential of ggml's softmax ({@code ggml_vec_soft_max_f32}); see {@link #swiglu} for the method.
     */
    public static void expSub(float[] x, int xOff, float sub, float[] y, int yOff, int n) {
        FloatVector zero = FloatVector.zero(Lanes.F);
        FloatVector inf = FloatVector.broadcast(Lanes.F, Float.POSITIVE_INFINITY);
        FloatVector ln2Hi = FloatVector.broadcast(Lanes.F, LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(Lanes.F, LN2_LO);
        for (int i = 0; i < n; i += Lanes.L) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, xOff + i).sub(sub);
            FloatVector nf = v.fma(LOG2E, EXP_SHIFT).sub(EXP_SHIFT);
            FloatVector b = nf.neg().fma(ln2Lo, nf.neg().fma(ln2Hi, v));
            FloatVector u = b.mul(b);
            FloatVector j = b.fma(P5, P4).fma(u, b.fma(P3, P2)).fma(u, b.fma(P1, 1f));
            IntVector ni = (IntVector) nf.max(-192f).min(192f).convert(VectorOperators.F2I, 0);
            IntVector lo = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = j.mul(lo.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(lo).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            VectorMask<Float> big = nf.abs().compare(VectorOperators.GT, 192f);
            e.blend(inf.blend(zero, nf.compare(VectorOperators.LE, 0f)), big).intoArray(y, yOff + i);
        }
    }

    /** One lane of {@code ggml_v_expf} (AVX-512). */
    public static float ggmlExpf(float x) {
        float n = Math.fma(x, LOG2E, EXP_SHIFT) - EXP_SHIFT;
        float b = Math.fma(-n, LN2_LO, Math.fma(-n, LN2_HI, x));
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(P5, b, P4), u, Math.fma(P3, b, P2)), u, Math.fma(P1, b, 1f));
        if (Math.abs(n) > 192f) {
            return n <= 0f ? 0f : Float.POSITIVE_INFINITY;
        }
        return Math.scalb(j, (int) n);
    }
}
