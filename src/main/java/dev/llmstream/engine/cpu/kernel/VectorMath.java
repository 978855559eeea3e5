package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A vectorized {@code exp} built only from exactly-rounded IEEE operations (FMA, multiply, add,
 * integer shifts), so it returns the same bits in the interpreter, C1 and C2 — unlike
 * {@code lanewise(EXP)}, whose intrinsic (SVML) and Java fallback differ. The engine relies on
 * step-to-step determinism (a greedy request's output must not change because a kernel got JIT-compiled
 * in the middle of it).
 *
 * <p>Method (Cephes {@code expf}): {@code n = round(x / ln 2)}, {@code r = x − n·ln2} with ln 2 split in
 * two parts for exactness, {@code e^r} by a degree-6 polynomial on |r| ≤ ln2/2, times {@code 2^n} built
 * in the exponent bits. Max error ≈ 2 ulp on [-87, 88]; inputs are clamped there (exp(-87) ≈ 1.6e-38
 * — below it results flush to ~0, which is what softmax needs).
 */
public final class VectorMath {
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    private static final float MAX_X = 88.3762626647949f;
    private static final float MIN_X = -87.3365478515625f;

    private VectorMath() {}

    /**
     * {@code dst[i] = e^(sign · src[i])} over {@code n} values. Array in, array out, so no vector ever
     * crosses a method boundary (where C2 would box it when it does not inline).
     */
    public static void expInto(float[] src, int srcOff, float sign, float[] dst, int dstOff, int n) {
        int i = 0;
        int bound = Lanes.F.loopBound(n);
        for (; i < bound; i += Lanes.L) {
            FloatVector x = FloatVector.fromArray(Lanes.F, src, srcOff + i).mul(sign)
                    .min(MAX_X).max(MIN_X);
            FloatVector fx = x.fma(LOG2E, 0.5f);
            FloatVector nf = (FloatVector) ((IntVector) fx.convert(VectorOperators.F2I, 0)).convert(VectorOperators.I2F, 0);
            FloatVector floor = nf.sub(1f, nf.compare(VectorOperators.GT, fx));
            IntVector ni = (IntVector) floor.convert(VectorOperators.F2I, 0);
            FloatVector r = floor.fma(FloatVector.broadcast(Lanes.F, -LN2_HI), x);
            r = floor.fma(FloatVector.broadcast(Lanes.F, -LN2_LO), r);
            FloatVector r2 = r.mul(r);
            FloatVector p = r.fma(P0, P1).fma(r, FloatVector.broadcast(Lanes.F, P2))
                    .fma(r, FloatVector.broadcast(Lanes.F, P3))
                    .fma(r, FloatVector.broadcast(Lanes.F, P4))
                    .fma(r, FloatVector.broadcast(Lanes.F, P5));
            p = p.fma(r2, r).add(1f);
            p.mul(ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats()).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = exp(sign * src[srcOff + i]);
        }
    }

    /** Lane-wise e^x (tests and non-hot callers; hot loops use {@link #expInto}). */
    public static FloatVector exp(FloatVector x) {
        x = x.min(MAX_X).max(MIN_X);
        // n = floor(x * log2(e) + 0.5), via truncation of a value made positive-safe
        FloatVector fx = x.fma(LOG2E, 0.5f);
        IntVector n = (IntVector) fx.convert(VectorOperators.F2I, 0);
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        // F2I truncates toward zero; fix up to floor for negative non-integers
        FloatVector floor = nf.sub(1f, nf.compare(VectorOperators.GT, fx));
        IntVector ni = (IntVector) floor.convert(VectorOperators.F2I, 0);
        FloatVector r = floor.fma(FloatVector.broadcast(x.species(), -LN2_HI), x);
        r = floor.fma(FloatVector.broadcast(x.species(), -LN2_LO), r);
        FloatVector r2 = r.mul(r);
        FloatVector p = r.fma(P0, P1).fma(r, FloatVector.broadcast(x.species(), P2))
                .fma(r, FloatVector.broadcast(x.species(), P3))
                .fma(r, FloatVector.broadcast(x.species(), P4))
                .fma(r, FloatVector.broadcast(x.species(), P5));
        p = p.fma(r2, r).add(1f);
        IntVector bits = ni.add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** Scalar twin of {@link #exp(FloatVector)}: same operations, same bits. */
    public static float exp(float x) {
        x = Math.max(Math.min(x, MAX_X), MIN_X);
        float fx = Math.fma(x, LOG2E, 0.5f);
        float nf = (float) (int) fx;
        float floor = nf > fx ? nf - 1f : nf;
        float r = Math.fma(floor, -LN2_HI, x);
        r = Math.fma(floor, -LN2_LO, r);
        float r2 = r * r;
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r2, r) + 1f;
        return p * Float.intBitsToFloat(((int) floor + 127) << 23);
    }
}
