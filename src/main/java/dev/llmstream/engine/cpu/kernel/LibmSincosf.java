package dev.llmstream.engine.cpu.kernel;

/**
 * {@code sinf}/{@code cosf} computed the way the reference C library computes {@code sincosf} (glibc 2.36 on
 * x86-64, the FMA variant its IFUNC picks on this CPU). llama.cpp's RoPE cache ({@code ggml_rope_cache_init}
 * in ggml-cpu ops.cpp) calls {@code sincosf} for every angle; the correctly rounded {@code (float) Math.cos(t)}
 * differs from it in about 1% of the angles by one ulp, which moves rotated queries and keys and, through the
 * 8-bit activation rounding downstream, the logits.
 *
 * <p>The algorithm, read from the library (its own constants, its order of operations):
 * <ul>
 *   <li>|x| &lt; 2^-12: sin = x, cos = 1;</li>
 *   <li>|x| &lt; π/4: no reduction, r = x, quadrant 0;</li>
 *   <li>|x| &lt; 120: {@code n = ((int) (x · 2^24·2/π) + 2^23) >> 24} (quadrant, rounded), {@code r = x − n·π/2}
 *       in one fused multiply-add;</li>
 *   <li>otherwise: an exact fixed-point reduction of the float's 24-bit significand against 192 bits of
 *       2/π ({@link #INV_PIO4}), giving the quadrant in two bits and r = remainder · π·2^-62;</li>
 *   <li>both polynomials in double on {@code xs = ±r} (sign per quadrant), {@code x2 = r·r}:
 *       sine lane {@code fma(fma(x2, s3, s2), x2·x2·xs, fma(x2·xs, s1, xs))}, cosine lane
 *       {@code fma(fma(x2, c4, c3), x2·x2·x2, fma(x2·x2, c2, fma(x2, c1, c0)))}; in quadrants 2 and 3 the
 *       cosine coefficients are negated; in odd quadrants the two results swap;</li>
 *   <li>each result rounded to float once.</li>
 * </ul>
 * Checked bit for bit against the C library ({@code sincosf-vectors.bin} in the tests).
 */
public final class LibmSincosf {
    private static final double HPI_INV = 0x1.45f306dc9c883p+23; // 2/π · 2^24
    private static final double HPI = 0x1.921fb54442d18p0;       // π/2
    private static final double PI63 = 0x1.921fb54442d18p-62;    // π · 2^-62
    private static final double C0 = 1.0;
    private static final double C1 = -0x1.ffffffd0c621cp-2;
    private static final double C2 = 0x1.55553e1068f19p-5;
    private static final double C3 = -0x1.6c087e89a359dp-10;
    private static final double C4 = 0x1.99343027bf8c3p-16;
    private static final double S1 = -0x1.555545995a603p-3;
    private static final double S2 = 0x1.1107605230bc4p-7;
    private static final double S3 = -0x1.994eb3774cf24p-13;
    /** Bits of 2/π after the binary point, 8 bits per hex pair. */
    private static final String TWO_OVER_PI = "a2f9836e4e441529fc2757d1f534ddc0db6295993c439041";
    /**
     * Entry i is the 32-bit window of {@link #TWO_OVER_PI} ending with its byte i (leading bytes zero), so
     * entries i, i+4 and i+8 are three consecutive 32-bit words starting 8·(i−3) bits in.
     */
    static final int[] INV_PIO4 = windows();

    private LibmSincosf() {}

    public static float sin(float x) {
        return eval(x, true);
    }

    public static float cos(float x) {
        return eval(x, false);
    }

    private static float eval(float y, boolean wantSin) {
        int xi = Float.floatToRawIntBits(y);
        int top = (xi >>> 20) & 0x7ff;
        double x = y;
        if (top < 0x3f3) { // |y| < π/4
            if (top <= 0x397) { // |y| < 2^-12
                return wantSin ? y : 1f;
            }
            return poly(x, x * x, false, wantSin);
        }
        long n;
        double r;
        int q; // quadrant index for the sign and the coefficient table
        if (top <= 0x42e) { // |y| < 120
            int ni = ((int) (x * HPI_INV) + 0x800000) >> 24;
            r = Math.fma(-(double) ni, HPI, x);
            n = ni;
            q = ni & 3;
        } else if (top < 0x7f8) {
            int m = ((xi & 0x7fffff) | 0x800000) << ((xi >>> 23) & 7);
            int i = (xi >>> 26) & 15;
            long mu = m & 0xffffffffL;
            long res0 = (mu * (INV_PIO4[i] & 0xffffffffL)) & 0xffffffffL;
            long res1 = mu * (INV_PIO4[i + 4] & 0xffffffffL);
            long res2 = mu * (INV_PIO4[i + 8] & 0xffffffffL);
            res0 = (res2 >>> 32) | (res0 << 32);
            res0 += res1;
            n = (res0 + (1L << 61)) >>> 62;
            res0 -= n << 62;
            r = (double) res0 * PI63;
            q = (int) (n + (xi >>> 31)) & 3;
        } else {
            return y - y; // NaN for Inf and NaN
        }
        double xs = (q == 1 || q == 2) ? -r : r;
        boolean swap = (n & 1) != 0;
        return poly(xs, r * r, (q & 2) != 0, wantSin != swap);
    }

    /** The sine-like ({@code sineLane}) or cosine-like polynomial; {@code negC}: quadrants 2, 3. */
    private static float poly(double xs, double x2, boolean negC, boolean sineLane) {
        if (sineLane) {
            double x3 = x2 * xs;
            double x5 = x2 * x3;
            return (float) Math.fma(Math.fma(x2, S3, S2), x5, Math.fma(x3, S1, xs));
        }
        double s = negC ? -1.0 : 1.0;
        double x4 = x2 * x2;
        double x6 = x2 * x4;
        double c1 = Math.fma(x2, s * C1, s * C0);
        return (float) Math.fma(Math.fma(x2, s * C4, s * C3), x6, Math.fma(x4, s * C2, c1));
    }

    private static int[] windows() {
        int[] bytes = new int[TWO_OVER_PI.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = Integer.parseInt(TWO_OVER_PI.substring(2 * i, 2 * i + 2), 16);
        }
        int[] t = new int[bytes.length];
        for (int i = 0; i < t.length; i++) {
            int w = 0;
            for (int j = i - 3; j <= i; j++) {
                w = (w << 8) | (j >= 0 ? bytes[j] : 0);
            }
            t[i] = w;
        }
        return t;
    }
}
