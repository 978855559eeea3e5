package dev.llmstream.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The search routines behind ggml's K-quants (ggml/src/ggml-quants.c, "2-6 bit quantization in
 * super-blocks"), shared by {@link Q4_KCodec}, {@link Q5_KCodec} and {@link Q6_KCodec}.
 *
 * <p>Bit-exactness with ggml rests on doing every float operation ggml does, in its order, in
 * float: ggml-base is built without fast-math and without FMA contraction, and Java float
 * arithmetic is IEEE single precision with no fused operations, so {@code a*b + c} rounds twice
 * in both. Sums are accumulated strictly left to right, products associate left to right as C
 * parses them ({@code w*l*l} is {@code (w*l)*l}), and ints meet floats where C converts them.
 */
final class KQuants {
    /** ggml's {@code QK_K}: weights per super-block. */
    static final int QK_K = 256;
    /** ggml's {@code GROUP_MAX_EPS}: below this largest magnitude a group counts as all zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private KQuants() {}

    /**
     * ggml's {@code nearest_int}: adding 1.5 * 2^23 makes the float adder round to an integer
     * (to nearest, ties to even) and leaves that integer in the low mantissa bits. Valid for
     * |f| <= 2^22 - 1, as ggml asserts; outside that range we return the same bits ggml's release
     * build would, rather than {@link Math#rint}.
     */
    static int nearestInt(float f) {
        int i = Float.floatToRawIntBits(f + 12582912f);
        return (i & 0x007fffff) - 0x00400000;
    }

    /** Per-call workspace (the codecs are shared singletons, so nothing lives in fields). */
    static final class Work {
        final byte[] levels = new byte[QK_K];   // L: final code of every weight of the super-block
        final byte[] aux = new byte[32];        // Laux: codes of the grid being tried
        final float[] shifted = new float[32];  // x - min of the sub-block being searched
        final float[] weights = new float[32];
        final float[] scales = new float[QK_K / 16];
        final float[] mins = new float[QK_K / 32];
        final byte[] packed = new byte[12];     // the 12 scale/min bytes of a Q4_K/Q5_K block
    }

    /**
     * {@code make_qkx2_quants}: codes {@code 0..nmax} with an affine map {@code x ~ scale*L - min}
     * for {@code n} weights, minimizing the weighted squared error. It starts from the full range
     * (min clamped to at most 0, scale = (max - min) / nmax), then tries {@code nstep + 1} other
     * code grids, {@code iscale = (nmax + rmin + rdelta*is) / (max - min)}; for each it solves the
     * 2x2 weighted least-squares problem for (scale, min) in closed form (determinant {@code D};
     * a positive min is refused and the scale refitted with min 0) and keeps the grid only when
     * its error is strictly smaller. Writes the codes to {@code L[lOff..]} and {@code -min} to
     * {@code mins[minIdx]}; returns the scale.
     *
     * <p>Note that ggml measures every later grid from the <em>current</em> min: once a grid is
     * kept, both {@code x - min} and {@code max - min} change (random sub-blocks keep about 2.7
     * of Q4_K's 21 grids), so grids cannot be evaluated independently. (Interleaving three grids
     * per pass with re-evaluation after a keep was measured slower here: the loop is bound by
     * instruction throughput, not by the latency of its sums.)
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xOff, float[] weights, byte[] L, int lOff,
                                float[] mins, int minIdx, Work work, float rmin, float rdelta, int nstep) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; i++) {
            float v = x[xOff + i];
            if (v < min) min = v;
            if (v > max) max = v;
            float w = weights[i];
            sumW += w;
            sumX += w * v;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) L[lOff + i] = 0;
            mins[minIdx] = -min;
            return 0f;
        }
        float[] xm = work.shifted;
        for (int i = 0; i < n; i++) xm[i] = x[xOff + i] - min; // C recomputes x[i] - min: same float
        float range = max - min;
        float iscale = nmax / range;
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.max(0, Math.min(nmax, nearestInt(iscale * xm[i])));
            L[lOff + i] = (byte) l;
            float diff = scale * l + min - x[xOff + i];
            bestError += weights[i] * (diff * diff);
        }
        byte[] aux = work.aux;
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / range;
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * xm[i])));
                aux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[xOff + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[xOff + i];
                    curError += weights[i] * (diff * diff);
                }
                if (curError < bestError) {
                    System.arraycopy(aux, 0, L, lOff, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                    range = max - min;
                    for (int i = 0; i < n; i++) xm[i] = x[xOff + i] - min;
                }
            }
        }
        mins[minIdx] = -min;
        return scale;
    }

    /**
     * {@code make_qx_quants} with {@code rmse_type = 1} and no importance weights (the Q6_K call):
     * signed codes {@code -nmax..nmax-1} for a symmetric scale, weighted by {@code x^2}. The
     * value of largest magnitude, {@code max} (with its sign), fixes the first grid
     * {@code iscale = -nmax / max}; the scale is then the weighted least-squares fit
     * {@code sum(w x l) / sum(w l^2)}, and 18 nearby grids {@code -(nmax + 0.1 is) / max},
     * {@code is = -9..9, != 0}, replace it when they fit better ({@code sumlx^2 / suml2} larger).
     * Stores {@code l + nmax} in {@code L[lOff..]}; returns the (signed) scale.
     *
     * <p>As in {@link #makeQkx2Quants}, three grids are summed per pass (six independent chains,
     * each in ggml's order) and the replace decisions are then taken in ggml's order.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xOff, byte[] L, int lOff, float[] wx) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) L[lOff + i] = 0;
            return 0f;
        }
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            wx[i] = v * v * v; // (w * x) with w = x*x, as ggml's w*x[i]*l associates
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * v)));
            L[lOff + i] = (byte) (l + nmax);
            float w = v * v;
            sumlx += wx[i] * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        // is = -9..-1, 1..9 in three passes of three each side
        for (int g = 0; g < 6; g++) {
            int is0 = g < 3 ? -9 + 3 * g : 1 + 3 * (g - 3);
            float i0 = -(nmax + 0.1f * is0) / max;
            float i1 = -(nmax + 0.1f * (is0 + 1)) / max;
            float i2 = -(nmax + 0.1f * (is0 + 2)) / max;
            float lx0 = 0, l20 = 0, lx1 = 0, l21 = 0, lx2 = 0, l22 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xOff + i];
                float w = v * v;
                float wxi = wx[i];
                int l0 = Math.max(-nmax, Math.min(nmax - 1, nearestInt(i0 * v)));
                int l1 = Math.max(-nmax, Math.min(nmax - 1, nearestInt(i1 * v)));
                int l2 = Math.max(-nmax, Math.min(nmax - 1, nearestInt(i2 * v)));
                lx0 += wxi * l0;
                l20 += w * l0 * l0;
                lx1 += wxi * l1;
                l21 += w * l1 * l1;
                lx2 += wxi * l2;
                l22 += w * l2 * l2;
            }
            if (l20 > 0 && lx0 * lx0 > best * l20) {
                setCodes(n, nmax, x, xOff, L, lOff, i0);
                scale = lx0 / l20;
                best = scale * lx0;
            }
            if (l21 > 0 && lx1 * lx1 > best * l21) {
                setCodes(n, nmax, x, xOff, L, lOff, i1);
                scale = lx1 / l21;
                best = scale * lx1;
            }
            if (l22 > 0 && lx2 * lx2 > best * l22) {
                setCodes(n, nmax, x, xOff, L, lOff, i2);
                scale = lx2 / l22;
                best = scale * lx2;
            }
        }
        return scale;
    }

    private static void setCodes(int n, int nmax, float[] x, int xOff, byte[] L, int lOff, float iscale) {
        for (int i = 0; i < n; i++) {
            int l = nearestInt(iscale * x[xOff + i]);
            L[lOff + i] = (byte) (nmax + Math.max(-nmax, Math.min(nmax - 1, l)));
        }
    }

    /**
     * The common part of {@code quantize_row_q4_K_ref} and {@code quantize_row_q5_K_ref} for one
     * super-block at {@code x[off..off+256)}: each of the 8 sub-blocks of 32 gets weights
     * {@code av_x + |x|} ({@code av_x} the sub-block RMS) and a (scale, min) pair from
     * {@link #makeQkx2Quants}. Scales and mins
     * are then quantized to 6 bits against their maxima, {@code d = max_scale/63} and
     * {@code dmin = max_min/63} stored as F16, and every weight is re-coded against the
     * <em>stored</em> values: {@code L = clamp(nearest_int((x + dmin*m) / (d*sc)), 0, nmax)}.
     * A sub-block whose stored scale is 0 keeps the codes of the search. Writes d, dmin and the
     * 12 packed scale bytes at {@code out}; the final codes are left in {@code w.levels}.
     */
    static void quantizeScaleMinBlock(float[] x, int off, int nmax, float rmin, float rdelta, int nstep,
                                      Work w, MemorySegment dst, long out) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < QK_K / 32; j++) {
            int s = off + 32 * j;
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += x[s + l] * x[s + l];
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) w.weights[l] = avX + Math.abs(x[s + l]);
            float scale = makeQkx2Quants(32, nmax, x, s, w.weights, w.levels, 32 * j, w.mins, j, w,
                    rmin, rdelta, nstep);
            w.scales[j] = scale;
            if (scale > maxScale) maxScale = scale;
            if (w.mins[j] > maxMin) maxMin = w.mins[j];
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        byte[] p = w.packed;
        for (int j = 0; j < QK_K / 32; j++) {
            // (uint8_t) nearest_int(...), then MIN(63, ...): keep C's wrap-around of the cast
            int ls = Math.min(63, nearestInt(invScale * w.scales[j]) & 0xFF);
            int lm = Math.min(63, nearestInt(invMin * w.mins[j]) & 0xFF);
            packScaleMin(p, j, ls, lm);
        }
        short dHalf = F16Codec.toHalf(maxScale / 63f);
        short dminHalf = F16Codec.toHalf(maxMin / 63f);
        dst.set(F16Codec.LE, out, dHalf);
        dst.set(F16Codec.LE, out + 2, dminHalf);
        MemorySegment.copy(p, 0, dst, ValueLayout.JAVA_BYTE, out + 4, 12);
        float dStored = F16Codec.fromHalf(dHalf);
        float dminStored = F16Codec.fromHalf(dminHalf);
        for (int j = 0; j < QK_K / 32; j++) {
            float d = dStored * scale(p, j);
            if (d == 0) {
                continue;
            }
            float dm = dminStored * min(p, j);
            int s = off + 32 * j;
            for (int i = 0; i < 32; i++) {
                int l = nearestInt((x[s + i] + dm) / d);
                w.levels[32 * j + i] = (byte) Math.max(0, Math.min(nmax, l));
            }
        }
    }

    /**
     * The 12-byte packing of eight 6-bit (scale, min) pairs used by Q4_K and Q5_K: pairs 0..3 sit
     * in the low 6 bits of bytes j (scale) and j+4 (min); pairs 4..7 put their low 4 bits in byte
     * j+4 (scale low nibble, min high nibble) and their top 2 bits in the free top bits of bytes
     * j-4 (scale) and j (min). Must be called for j = 0..7 in order, as ggml does.
     */
    static void packScaleMin(byte[] p, int j, int ls, int lm) {
        if (j < 4) {
            p[j] = (byte) ls;
            p[j + 4] = (byte) lm;
        } else {
            p[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
            p[j - 4] |= (byte) ((ls >> 4) << 6);
            p[j] |= (byte) ((lm >> 4) << 6);
        }
    }

    /** {@code get_scale_min_k4}, scale half: the 6-bit scale of sub-block {@code j}. */
    static int scale(byte[] p, int j) {
        return j < 4 ? p[j] & 63 : (p[j + 4] & 0xF) | (((p[j - 4] & 0xFF) >> 6) << 4);
    }

    /** {@code get_scale_min_k4}, min half: the 6-bit min of sub-block {@code j}. */
    static int min(byte[] p, int j) {
        return j < 4 ? p[j + 4] & 63 : ((p[j + 4] & 0xFF) >> 4) | (((p[j] & 0xFF) >> 6) << 4);
    }

    /** Rejects NaN and infinities, which ggml's search would turn into garbage codes silently. */
    static void requireFinite(float[] x, int off, int n, String type) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[off + i])) {
                throw new IllegalArgumentException("non-finite weight " + x[off + i] + " at index " + (off + i)
                        + " (" + type + " super-block starting at " + off + ")");
            }
        }
    }
}
