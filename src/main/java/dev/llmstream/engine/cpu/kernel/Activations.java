package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Per-token elementwise kernels of the forward pass. Every function works on one token's slice and
 * uses the same operation order for every token, so results never depend on the batch.
 */
public final class Activations {
    /** Per-thread scratch: parked accumulators, and e^-g for SwiGLU. */
    private static final ThreadLocal<float[]> PARK = ThreadLocal.withInitial(() -> new float[16]);
    private static final ThreadLocal<float[]> EXP = ThreadLocal.withInitial(() -> new float[0]);

    private Activations() {}

    /**
     * RMSNorm (Zhang & Sennrich 2019) as llama.cpp computes it: {@code scale = 1/sqrt(mean(x²) + eps)},
     * {@code out = (x · scale) · w}. The sum of squares uses the canonical lane order of {@link Lanes}.
     */
    public static void rmsNorm(float[] x, int xOff, float[] w, float[] out, int outOff, int n, float eps) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        int bound = Lanes.F.loopBound(n);
        int i = 0;
        for (; i < bound; i += Lanes.L) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, xOff + i);
            acc = v.fma(v, acc);
        }
        if (i < n) {
            VectorMask<Float> m = Lanes.F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(Lanes.F, x, xOff + i, m);
            acc = v.fma(v, acc);
        }
        float[] park = PARK.get();
        acc.intoArray(park, 0);
        float mean = Lanes.sumAt(park, 0) / n;
        float scale = 1f / (float) Math.sqrt(mean + eps);
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
     * SwiGLU (Shazeer 2020): {@code gate[i] = silu(gate[i]) · up[i]} with
     * {@code silu(g) = g / (1 + e^-g)}.
     */
    public static void swiglu(float[] gate, float[] up, int off, int n) {
        float[] e = EXP.get();
        if (e.length < n) {
            e = new float[n];
            EXP.set(e);
        }
        VectorMath.expInto(gate, off, -1f, e, 0, n);
        int bound = Lanes.F.loopBound(n);
        int i = 0;
        for (; i < bound; i += Lanes.L) {
            FloatVector g = FloatVector.fromArray(Lanes.F, gate, off + i);
            g.div(FloatVector.fromArray(Lanes.F, e, i).add(1f)).mul(FloatVector.fromArray(Lanes.F, up, off + i))
                    .intoArray(gate, off + i);
        }
        for (; i < n; i++) {
            float g = gate[off + i];
            gate[off + i] = (g / (e[i] + 1f)) * up[off + i];
        }
    }
}
