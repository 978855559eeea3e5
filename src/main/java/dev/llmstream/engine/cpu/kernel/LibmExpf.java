package dev.llmstream.engine.cpu.kernel;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Scalar {@code expf} computed the way the reference C library (glibc ≥ 2.27 on x86-64 with FMA)
 * computes it: {@code e^x = 2^(k/32) · 2^(r/32)} with {@code k = round(x · 32/ln2)}, a 32-entry table
 * of {@code 2^(i/32)} and a cubic polynomial for the remainder, all in double, rounded to float once.
 * Reproducing this function bit for bit — not merely accurately — matters because llama.cpp's
 * attention feeds these values into F16 accumulators, where a one-ulp difference can flip a rounding
 * and, through 8-bit activation quantization downstream, move the final probabilities by 1e-3.
 */
public final class LibmExpf {
    private static final int N = 32;
    private static final double INV_LN2_N = 0x1.71547652b82fep+0 * N;
    private static final double C0 = 0x1.c6af84b912394p-5 / N / N / N;
    private static final double C1 = 0x1.ebfce50fac4f3p-3 / N / N;
    private static final double C2 = 0x1.62e42ff0c52d6p-1 / N;
    /** Correctly rounded 2^(i/32), i = 0..31, computed once in high precision. */
    private static final long[] TABLE = table();

    private LibmExpf() {}

    public static float expf(float x) {
        if (!(x < 88.72283f)) {
            return x != x ? x : Float.POSITIVE_INFINITY; // NaN stays NaN, overflow to inf
        }
        if (x < -103.97208f) {
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
            t[i] = Double.doubleToRawLongBits(v.round(new MathContext(17, RoundingMode.HALF_EVEN)).doubleValue());
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
