package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal attention of one token over a paged F16 KV cache, computed the way llama.cpp's CPU flash
 * attention does it (ggml {@code flash_attn_ext_f16}; online softmax per Milakov &amp; Gimelshein 2018,
 * Rabe &amp; Staats 2021). Following it operation for operation is what lets our logits reproduce the
 * reference implementation's within 1e-5:
 *
 * <ul>
 *   <li>Q, K and V hold F16 values (the caller rounds them); scores are {@code q·k} accumulated as
 *       ggml's {@code vec_dot_f16} (float products summed in double below 64 dims, four 16-lane
 *       accumulators above), times {@code 1/sqrt(d)};</li>
 *   <li>softmax is online: a running max {@code M} and sum {@code S}; when a score exceeds {@code M}
 *       the V accumulator is rescaled by {@code e^(Mold−M)};</li>
 *   <li>the V accumulator is kept in F16: every update is {@code acc = f16(fma(v, w, acc))};</li>
 *   <li>the result is {@code acc · (1/S)}.</li>
 * </ul>
 * The query heads sharing one KV head (grouped-query attention, Ainslie et al. 2023) are processed
 * together so each K/V row is read once. KV layout per layer:
 * {@code cache[(block · blockSize + slot) · kvDim + kvHead · headDim + d]}, position {@code j} of a
 * sequence in block {@code blockTable[j / blockSize]}.
 */
public final class Attention {
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final boolean HAS_512 = Lanes.L == 16;
    private static final ThreadLocal<float[]> PARK = ThreadLocal.withInitial(() -> new float[16]);

    private Attention() {}

    /**
     * @param q         queries, head {@code h} at {@code q[qOff + h·headDim]} (F16 values)
     * @param out       output, same layout as {@code q}
     * @param firstHead first query head of the group
     * @param group     query heads per KV head
     * @param kvHead    the KV head they share
     * @param nPos      attend to positions {@code [0, nPos)}
     * @param scratch   at least {@code group · (headDim + 2)} floats
     */
    public static void attend(float[] q, int qOff, float[] out, int outOff, int firstHead, int group, int kvHead,
                              int headDim, float[] kCache, float[] vCache, int kvDim, int[] blockTable,
                              int blockSize, int nPos, float scale, float[] scratch) {
        int kvOff = kvHead * headDim;
        int sumOff = group * headDim;   // S per head
        int maxOff = sumOff + group;    // M per head
        java.util.Arrays.fill(scratch, 0, sumOff + group, 0f);
        java.util.Arrays.fill(scratch, maxOff, maxOff + group, Float.NEGATIVE_INFINITY);
        // walk the sequence's blocks in position order (no division per position)
        for (int j = 0, b = 0; j < nPos; b++) {
            int base = blockTable[b] * blockSize;
            int end = Math.min(nPos, j + blockSize);
            for (int slot = 0; j < end; j++, slot++) {
                int row = (base + slot) * kvDim + kvOff;
                for (int g = 0; g < group; g++) {
                    int qh = qOff + (firstHead + g) * headDim;
                    int acc = g * headDim;
                    float s = dotF16(q, qh, kCache, row, headDim) * scale;
                    float m = scratch[maxOff + g];
                    float ms = 1f;
                    float vs = 1f;
                    if (s > m) {
                        scratch[maxOff + g] = s;
                        ms = LibmExpf.expf(m - s);
                        scaleF16(scratch, acc, headDim, ms);
                    } else {
                        vs = LibmExpf.expf(s - m);
                    }
                    madF16(scratch, acc, vCache, row, headDim, vs);
                    scratch[sumOff + g] = Math.fma(scratch[sumOff + g], ms, vs);
                }
            }
        }
        for (int g = 0; g < group; g++) {
            float sum = scratch[sumOff + g];
            float inv = sum == 0f ? 0f : 1f / sum;
            int o = outOff + (firstHead + g) * headDim;
            int acc = g * headDim;
            for (int d = 0; d < headDim; d++) {
                out[o + d] = scratch[acc + d] * inv;
            }
        }
    }

    /** ggml {@code vec_dot_f16} on AVX-512: 4 × 16-lane accumulators over 64-element steps, double tail. */
    static float dotF16(float[] a, int aOff, float[] b, int bOff, int n) {
        double sum = 0;
        int i = 0;
        if (HAS_512 && n >= 64) {
            FloatVector s0 = FloatVector.zero(F512), s1 = s0, s2 = s0, s3 = s0;
            int np = n & ~63;
            for (; i < np; i += 64) {
                s0 = FloatVector.fromArray(F512, a, aOff + i).fma(FloatVector.fromArray(F512, b, bOff + i), s0);
                s1 = FloatVector.fromArray(F512, a, aOff + i + 16).fma(FloatVector.fromArray(F512, b, bOff + i + 16), s1);
                s2 = FloatVector.fromArray(F512, a, aOff + i + 32).fma(FloatVector.fromArray(F512, b, bOff + i + 32), s2);
                s3 = FloatVector.fromArray(F512, a, aOff + i + 48).fma(FloatVector.fromArray(F512, b, bOff + i + 48), s3);
            }
            float[] park = PARK.get();
            s0.add(s2).add(s1.add(s3)).intoArray(park, 0);
            sum = Lanes.sumAt(park, 0);
        }
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return (float) sum;
    }

    /** {@code acc[d] = f16(acc[d] · s)} (ggml {@code vec_scale_f16}). */
    static void scaleF16(float[] acc, int off, int n, float s) {
        int i = 0;
        int bound = Lanes.F.loopBound(n);
        for (; i < bound; i += Lanes.L) {
            FloatVector x = FloatVector.fromArray(Lanes.F, acc, off + i).mul(s);
            IntVector bits = x.reinterpretAsInts();
            IntVector r = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0x0FFF)).and(0xFFFFE000);
            VectorMask<Float> tiny = x.abs().compare(VectorOperators.LT, F16.MIN_NORMAL);
            r.reinterpretAsFloats().blend(x.add(0.75f).sub(0.75f), tiny).intoArray(acc, off + i);
        }
        for (; i < n; i++) {
            acc[off + i] = F16.round(acc[off + i] * s);
        }
    }

    /** {@code acc[d] = f16(fma(v[d], w, acc[d]))} (ggml {@code vec_mad_f16}); f16 rounding written inline. */
    static void madF16(float[] acc, int off, float[] v, int vOff, int n, float w) {
        int i = 0;
        int bound = Lanes.F.loopBound(n);
        FloatVector wv = FloatVector.broadcast(Lanes.F, w);
        for (; i < bound; i += Lanes.L) {
            FloatVector x = FloatVector.fromArray(Lanes.F, v, vOff + i).fma(wv, FloatVector.fromArray(Lanes.F, acc, off + i));
            IntVector bits = x.reinterpretAsInts();
            IntVector r = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0x0FFF)).and(0xFFFFE000);
            VectorMask<Float> tiny = x.abs().compare(VectorOperators.LT, F16.MIN_NORMAL);
            r.reinterpretAsFloats().blend(x.add(0.75f).sub(0.75f), tiny).intoArray(acc, off + i);
        }
        for (; i < n; i++) {
            acc[off + i] = F16.round(Math.fma(v[vOff + i], w, acc[off + i]));
        }
    }
}
