package dev.llmstream.gguf.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The searches of {@link KQuants} (Q6_K's with three code grids per pass, Q4_K/Q5_K's with the
 * shifted weights {@code x - min} kept between grids) against literal, one-grid-at-a-time
 * transcriptions of ggml's {@code make_qkx2_quants} and {@code make_qx_quants} below, on many
 * random sub-blocks of varied distributions: codes, scale and min must agree bit for bit. (ggml's
 * own bytes are checked in {@link GgmlVectorsTest}; this test covers far more inputs than the
 * vectors hold.)
 */
class KQuantSearchTest {

    /** make_qkx2_quants as written in ggml-quants.c, one grid per pass. */
    static float literalQkx2(int n, int nmax, float[] x, float[] weights, byte[] L, float[] theMin, float rmin,
                             float rdelta, int nstep) {
        float min = x[0];
        float max = x[0];
        float sumW = weights[0];
        float sumX = sumW * x[0];
        for (int i = 1; i < n; i++) {
            if (x[i] < min) min = x[i];
            if (x[i] > max) max = x[i];
            float w = weights[i];
            sumW += w;
            sumX += w * x[i];
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) L[i] = 0;
            theMin[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = KQuants.nearestInt(iscale * (x[i] - min));
            L[i] = (byte) Math.max(0, Math.min(nmax, l));
            float diff = scale * L[i] + min - x[i];
            diff = diff * diff;
            bestError += weights[i] * diff;
        }
        byte[] aux = new byte[n];
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = KQuants.nearestInt(iscale * (x[i] - min));
                l = Math.max(0, Math.min(nmax, l));
                aux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[i];
            }
            float d = sumW * sumL2 - sumL * sumL;
            if (d > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / d;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / d;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[i];
                    diff = diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(aux, 0, L, 0, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }

    /** make_qx_quants(n, nmax, x, L, rmse_type 1, qw NULL) as written in ggml-quants.c. */
    static float literalQx(int n, int nmax, float[] x, byte[] L) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[i]);
            if (ax > amax) {
                amax = ax;
                max = x[i];
            }
        }
        if (amax < KQuants.GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) L[i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = KQuants.nearestInt(iscale * x[i]);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[i] = (byte) (l + nmax);
            float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = suml2 = 0;
            for (int i = 0; i < n; i++) {
                int l = KQuants.nearestInt(iscale * x[i]);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                float w = x[i] * x[i];
                sumlx += w * x[i] * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    int l = KQuants.nearestInt(iscale * x[i]);
                    L[i] = (byte) (nmax + Math.max(-nmax, Math.min(nmax - 1, l)));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /** Sub-blocks drawn from a mix of distributions, including ties, one-signed and degenerate ones. */
    private static float[] subBlock(SplittableRandom r, int n) {
        float[] x = new float[n];
        int kind = r.nextInt(8);
        double scale = Math.pow(10, r.nextInt(-6, 4));
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            x[i] = (float) (scale * switch (kind) {
                case 0, 1, 2 -> g;
                case 3 -> Math.abs(g);
                case 4 -> -Math.abs(g) + 0.3;
                case 5 -> Math.round(g * 4) / 4.0;
                case 6 -> r.nextInt(5) == 0 ? g * 30 : g;
                default -> r.nextInt(3) - 1;
            });
        }
        return x;
    }

    @Test
    void qkx2SearchEqualsTheLiteralOne() {
        SplittableRandom r = new SplittableRandom(2024);
        KQuants.Work work = new KQuants.Work();
        byte[] ours = new byte[32];
        byte[] ref = new byte[32];
        float[] mins = new float[1];
        float[] refMin = new float[1];
        // (nmax, rmin, rdelta, nstep) of the Q4_K and Q5_K call sites
        int[][] calls = {{15, 20}, {31, 15}};
        float[] rmins = {-1f, -0.5f};
        for (int c = 0; c < calls.length; c++) {
            for (int t = 0; t < 20_000; t++) {
                float[] x = subBlock(r, 32);
                float sumX2 = 0;
                for (float v : x) sumX2 += v * v;
                float av = (float) Math.sqrt(sumX2 / 32);
                float[] w = new float[32];
                for (int i = 0; i < 32; i++) w[i] = av + Math.abs(x[i]);
                float s1 = KQuants.makeQkx2Quants(32, calls[c][0], x, 0, w, ours, 0, mins, 0, work, rmins[c], 0.1f,
                        calls[c][1]);
                float s2 = literalQkx2(32, calls[c][0], x, w, ref, refMin, rmins[c], 0.1f, calls[c][1]);
                assertThat(Float.floatToRawIntBits(s1)).as("scale, case %d/%d", c, t).isEqualTo(Float.floatToRawIntBits(s2));
                assertThat(Float.floatToRawIntBits(mins[0])).as("min, case %d/%d", c, t)
                        .isEqualTo(Float.floatToRawIntBits(refMin[0]));
                assertThat(ours).as("codes, case %d/%d", c, t).isEqualTo(ref);
            }
        }
    }

    @Test
    void interleavedQxSearchEqualsTheLiteralOne() {
        SplittableRandom r = new SplittableRandom(7);
        byte[] ours = new byte[16];
        byte[] ref = new byte[16];
        float[] cubes = new float[16];
        for (int t = 0; t < 40_000; t++) {
            float[] x = subBlock(r, 16);
            float s1 = KQuants.makeQxQuants(16, 32, x, 0, ours, 0, cubes);
            float s2 = literalQx(16, 32, x, ref);
            assertThat(Float.floatToRawIntBits(s1)).as("scale, case %d", t).isEqualTo(Float.floatToRawIntBits(s2));
            assertThat(ours).as("codes, case %d", t).isEqualTo(ref);
        }
    }
}
