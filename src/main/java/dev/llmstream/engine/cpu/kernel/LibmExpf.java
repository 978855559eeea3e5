package dev.llmstream.engine.cpu.kernel;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scalar {@code expf} computed the way the reference C library (glibc ≥ 2.27 on x86-64 with FMA)
 * computes it: {@code e^x = 2^(k/32) · 2^(r/32)} with {@code k = round(x · 32/ln2)}, a 32-entry table
 * of {@code 2^(i/32)} and a cubic polynomial for the remainder, all in double, rounded to float once.
 * Reproducing this function bit for bit — not merely accurately — matters because llama.cpp's
 * attention feeds these values into F16 accumulators, where a one-ulp difference can flip a rounding
 * and, through 8-bit activation quantization downstream, move the final probabilities by 1e-3.
 *
 * <p>{@link #expDiff8} is the same function on eight values at once (double lanes), for the softmax weights of
 * the attention passes, where the scalar form was a twelfth of a speculative verify step.
 */
public final class LibmExpf {
    private static final int N = 32;
    private static final double INV_LN2_N = 0x1.71547652b82fep+0 * N;
    private static final double C0 = 0x1.c6af84b912394p-5 / N / N / N;
    private static final double C1 = 0x1.ebfce50fac4f3p-3 / N / N;
    private static final double C2 = 0x1.62e42ff0c52d6p-1 / N;
    /** Correctly rounded 2^(i/32), i = 0..31, computed once in high precision. */
    private static final long[] TABLE = table();
    /** From this on {@code expf} is +∞; below {@link #UNDERFLOW} it is 0. */
    private static final float OVERFLOW = 88.72283f;
    /** Below this {@code expf} is 0. */
    private static final float UNDERFLOW = -103.97208f;

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    private static final VectorSpecies<Long> L8 = LongVector.SPECIES_512;
    /** Adding then subtracting 1.5·2^52 rounds a double of magnitude below 2^51 to an integer, ties to even. */
    private static final double SHIFT = 0x1.8p52;
    /** The table as four 8-lane vectors: entries 0–7, 8–15, 16–23, 24–31. */
    private static final LongVector T0 = LongVector.fromArray(L8, TABLE, 0);
    private static final LongVector T1 = LongVector.fromArray(L8, TABLE, 8);
    private static final LongVector T2 = LongVector.fromArray(L8, TABLE, 16);
    private static final LongVector T3 = LongVector.fromArray(L8, TABLE, 24);

    private LibmExpf() {}

    public static float expf(float x) {
        if (!(x < OVERFLOW)) {
            return x != x ? x : Float.POSITIVE_INFINITY; // NaN stays NaN, overflow to inf
        }
        if (x < UNDERFLOW) {
            return 0f;
        }
        double z = INV_LN2_N * x;
        double kd = Math.rint(z);
        long ki = (long) kd;
        double r = z - kd;
        double s = Double.longBitsToDouble(TABLE[(int) (ki & (N - 1))] + ((ki >> 5) << 52));
        double p = Math.fma(C0, r, C1);
        double r2 = r * r;
        double y = Math.fma(C2, r, 1.0);
        y = Math.fma(p, r2, y);
        return (float) (y * s);
    }

    /**
     * Whether all eight of {@code x[xo .. xo+7]} are at most {@code m}: then {@link #expDiff8} of them needs no
     * overflow branch (NaN scores fail this test and go the scalar way).
     */
    static boolean atMost8(float[] x, int xo, float m) {
        return FloatVector.fromArray(F8, x, xo).compare(VectorOperators.LE, m).allTrue();
    }

    /**
     * {@code out[oo + j] = expf(x[xo + j] − m)} for {@code j = 0..7}, bit for bit {@link #expf} of the float
     * difference, for differences that are at most 0 or NaN ({@link #atMost8}). The steps are {@link #expf}'s in
     * double lanes; {@code rint} becomes the add-and-subtract of 1.5·2^52 (glibc's own form without a rounding
     * instruction; the same integer, ties to even, for {@code |z| < 2^51}), whose low bits are also the integer
     * {@code k}, and the table lookup two two-vector permutes. {@code out} may be {@code x} at the same offset.
     */
    static void expDiff8(float[] x, int xo, float m, float[] out, int oo) {
        FloatVector d = FloatVector.fromArray(F8, x, xo).sub(m);
        DoubleVector z = ((DoubleVector) d.convertShape(VectorOperators.F2D, D8, 0)).mul(INV_LN2_N);
        DoubleVector shifted = z.add(SHIFT);
        LongVector ki = shifted.reinterpretAsLongs();
        DoubleVector r = z.sub(shifted.sub(SHIFT));
        LongVector idx = ki.and(N - 1);
        LongVector t = idx.selectFrom(T0, T1).blend(idx.selectFrom(T2, T3), idx.compare(VectorOperators.GE, 16));
        // the shifted value's bits are 0x4338… + k: (bits >> 5) << 52 leaves (k >> 5) << 52, the bias shifted out
        DoubleVector sc = t.add(ki.lanewise(VectorOperators.ASHR, 5).lanewise(VectorOperators.LSHL, 52))
                .reinterpretAsDoubles();
        DoubleVector p = r.fma(C0, C1);
        DoubleVector r2 = r.mul(r);
        DoubleVector y = r.fma(C2, 1.0);
        y = p.fma(r2, y);
        FloatVector e = (FloatVector) y.mul(sc).convertShape(VectorOperators.D2F, F8, 0);
        VectorMask<Float> under = d.compare(VectorOperators.LT, UNDERFLOW);
        e.blend(0f, under).blend(d, d.test(VectorOperators.IS_NAN)).intoArray(out, oo);
    }

    private static long[] table() {
        long[] t = new long[N];
        MathContext mc = new MathContext(60, RoundingMode.HALF_EVEN);
        // 2^(1/32) by Newton iteration on y^32 = 2
        BigDecimal two = BigDecimal.valueOf(2);
        BigDecimal root = BigDecimal.valueOf(Math.pow(2, 1.0 / N));
        for (int it = 0; it < 8; it++) {
            BigDecimal p31 = root.pow(N - 1, mc);
            root = root.subtract(root.multiply(p31, mc).subtract(two, mc).divide(p31.multiply(BigDecimal.valueOf(N), mc), mc), mc);
        }
        BigDecimal v = BigDecimal.ONE;
        for (int i = 0; i < N; i++) {
            t[i] = Double.doubleToRawLongBits(roundToDouble(v));
            v = v.multiply(root, mc);
        }
        return t;
    }

    /** Correct rounding of a positive BigDecimal in [1, 2) to the nearest double. */
    private static double roundToDouble(BigDecimal v) {
        BigDecimal scaled = v.multiply(BigDecimal.valueOf(1L << 52));
        long m = scaled.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        return m / (double) (1L << 52);
    }
}
