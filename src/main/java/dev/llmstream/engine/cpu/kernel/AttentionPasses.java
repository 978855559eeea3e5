package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one-query flash-attention loop of {@link Attention} (ggml {@code flash_attn_ext_f16}, one query row)
 * restructured into three passes over tiles of {@link #TILE} positions, with the same arithmetic and so the
 * same bits. The plain loop does, per position, a 64-wide dot product with a horizontal reduction, a
 * libm {@code expf} and an F16-rounded multiply-add of the V row into an accumulator in memory; each of
 * those waits on the one before, and the accumulator's store-to-load chain serializes positions. Here:
 *
 * <ol>
 *   <li><b>scores</b>: sixteen positions at a time, each position's four 16-lane partial dot products
 *       folded to one vector, then the sixteen vectors reduced together by a transposing butterfly (four
 *       levels of blend, lane swap and add) that performs, for every position, exactly the additions of
 *       {@link Lanes#sumAt} — {@code ((v0+v8)+(v4+v12))+((v2+v10)+(v6+v14)) + …} — and leaves position
 *       {@code p}'s score in lane {@code p};</li>
 *   <li><b>softmax weights</b>: the running maximum {@code M} and sum {@code S}, in position order, giving
 *       each position its V weight {@code vs} and the rescale {@code ms} of the accumulator (1 when the
 *       maximum did not move; rescaling by 1 leaves an F16 value unchanged, so it is skipped);</li>
 *   <li><b>values</b>: the accumulator held in registers, 64 dimensions at a time, over runs of positions
 *       between rescales: {@code acc = f16(fma(v, vs, acc))} per position, the rescale
 *       {@code acc = f16(acc · ms)} applied in memory between runs.</li>
 * </ol>
 * Needs 16-lane float vectors and a head size that is a multiple of 64 ({@link #applies}); other shapes keep
 * the plain loop. Tensor shapes as in {@link Attention}: K/V rows of {@code headDim} floats at
 * {@code rows[i] = (block · blockSize + slot) · kvDim + kvHead · headDim}.
 */
final class AttentionPasses {
    /** Positions per tile: their scores, weights and rescales live in scratch. A multiple of 16. */
    static final int TILE = 256;
    /** Scratch floats beyond {@link Attention}'s accumulators: scores, weights, rescales and the 16 × 16 stage. */
    static final int WORK = 3 * TILE + 256;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorMask<Float> SET8 = bitSet(8);
    private static final VectorMask<Float> SET4 = bitSet(4);
    private static final VectorMask<Float> SET2 = bitSet(2);
    private static final VectorMask<Float> SET1 = bitSet(1);
    private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(F, i -> i ^ 8);
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(F, i -> i ^ 4);
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(F, i -> i ^ 2);
    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(F, i -> i ^ 1);
    private static final ThreadLocal<int[]> ROWS = ThreadLocal.withInitial(() -> new int[TILE]);

    private AttentionPasses() {}

    /** Whether this path serves {@code headDim} on this machine (16-lane vectors, whole 64-dim steps). */
    static boolean applies(int headDim) {
        return Lanes.L == 16 && headDim % 64 == 0;
    }

    private static VectorMask<Float> bitSet(int h) {
        boolean[] m = new boolean[16];
        for (int i = 0; i < 16; i++) {
            m[i] = (i & h) != 0;
        }
        return VectorMask.fromArray(F, m, 0);
    }

    /**
     * Same contract as the plain loop ({@code Attention.chunk}): positions {@code [from, to)}, accumulators
     * at {@code scratch[base + g·headDim ..]}, sums {@code S} at {@code base + group·headDim + g}, maxima
     * after them; {@code work} is the offset of {@link #WORK} further scratch floats.
     */
    static void chunk(float[] q, int qOff, int firstHead, int group, int kvHead, int headDim, float[] kCache,
                      float[] vCache, int kvDim, int[] blockTable, int blockSize, int from, int to, float scale,
                      float[] scratch, int base, int work) {
        int sumOff = base + group * headDim;
        int maxOff = sumOff + group;
        java.util.Arrays.fill(scratch, base, sumOff + group, 0f);
        java.util.Arrays.fill(scratch, maxOff, maxOff + group, Float.NEGATIVE_INFINITY);
        int sc = work;
        int wt = work + TILE;
        int rs = work + 2 * TILE;
        int st = work + 3 * TILE;
        int[] rows = ROWS.get();
        int kvOff = kvHead * headDim;
        for (int t0 = from; t0 < to; t0 += TILE) {
            int n = Math.min(TILE, to - t0);
            // row offsets, walking the block table one block at a time
            for (int i = 0, j = t0; i < n; ) {
                int b = j / blockSize;
                int slot = j - b * blockSize;
                int rowBase = (blockTable[b] * blockSize + slot) * kvDim + kvOff;
                for (int end = Math.min(n, i + blockSize - slot); i < end; i++, j++, rowBase += kvDim) {
                    rows[i] = rowBase;
                }
            }
            for (int g = 0; g < group; g++) {
                int qh = qOff + (firstHead + g) * headDim;
                for (int i0 = 0; i0 < n; i0 += 16) {
                    scores16(q, qh, headDim, kCache, rows, i0, Math.min(16, n - i0), scratch, st, sc, scale);
                }
                weights(scratch, sc, wt, rs, n, sumOff + g, maxOff + g);
                int acc = base + g * headDim;
                for (int i = 0; i < n; ) {
                    float ms = scratch[rs + i];
                    if (ms != 1f) {
                        Attention.scaleF16(scratch, acc, headDim, ms);
                    }
                    int e = i + 1;
                    while (e < n && scratch[rs + e] == 1f) {
                        e++;
                    }
                    for (int d0 = 0; d0 < headDim; d0 += 64) {
                        values64(scratch, acc + d0, vCache, rows, d0, i, e, scratch, wt);
                    }
                    i = e;
                }
            }
        }
    }

    /**
     * Scores of positions {@code i0 .. i0+count-1} into {@code out[sc + i0 ..]}: {@code (q·k)·scale} with the
     * dot product formed as ggml's {@code vec_dot_f16} on AVX-512 (four 16-lane accumulators over 64-dim
     * steps, folded {@code (s0+s2)+(s1+s3)}, then the lanes reduced as {@link Lanes#sumAt}).
     */
    private static void scores16(float[] q, int qh, int headDim, float[] k, int[] rows, int i0, int count,
                                 float[] s, int st, int sc, float scale) {
        for (int p = 0; p < 16; p++) {
            if (p < count) {
                int o = rows[i0 + p];
                FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
                for (int d = 0; d < headDim; d += 64) {
                    s0 = FloatVector.fromArray(F, q, qh + d).fma(FloatVector.fromArray(F, k, o + d), s0);
                    s1 = FloatVector.fromArray(F, q, qh + d + 16).fma(FloatVector.fromArray(F, k, o + d + 16), s1);
                    s2 = FloatVector.fromArray(F, q, qh + d + 32).fma(FloatVector.fromArray(F, k, o + d + 32), s2);
                    s3 = FloatVector.fromArray(F, q, qh + d + 48).fma(FloatVector.fromArray(F, k, o + d + 48), s3);
                }
                s0.add(s2).add(s1.add(s3)).intoArray(s, st + 16 * p);
            } else {
                FloatVector.zero(F).intoArray(s, st + 16 * p);
            }
        }
        // butterfly: level h pairs vector m with m + h; position p ends in lane p
        for (int m = 0; m < 8; m++) {
            combine(s, st + 16 * m, st + 16 * (m + 8), SET8, SWAP8);
        }
        for (int m = 0; m < 4; m++) {
            combine(s, st + 16 * m, st + 16 * (m + 4), SET4, SWAP4);
        }
        for (int m = 0; m < 2; m++) {
            combine(s, st + 16 * m, st + 16 * (m + 2), SET2, SWAP2);
        }
        combine(s, st, st + 16, SET1, SWAP1);
        FloatVector.fromArray(F, s, st).mul(scale).intoArray(s, sc + i0);
    }

    /**
     * One butterfly step on the 16-lane vectors {@code P} at {@code a} and {@code Q} at {@code b}, result into
     * {@code a}: lanes {@code i} with bit {@code h} clear get {@code P[i] + P[i+h]}, lanes with it set get
     * {@code Q[i] + Q[i−h]} (float addition is commutative, so each is the sum {@link Lanes#sumAt} forms).
     */
    private static void combine(float[] s, int a, int b, VectorMask<Float> set, VectorShuffle<Float> swap) {
        FloatVector p = FloatVector.fromArray(F, s, a);
        FloatVector u = FloatVector.fromArray(F, s, b);
        p.blend(u, set).add(u.blend(p, set).rearrange(swap)).intoArray(s, a);
    }

    /**
     * Online softmax over the tile's scores in position order: V weights into {@code s[wt ..]}, accumulator
     * rescales into {@code s[rs ..]} (1 where the maximum stayed), {@code M} and {@code S} updated in place.
     */
    private static void weights(float[] s, int sc, int wt, int rs, int n, int sumAt, int maxAt) {
        float m = s[maxAt];
        float sum = s[sumAt];
        for (int i = 0; i < n; i++) {
            float x = s[sc + i];
            float ms = 1f;
            float vs = 1f;
            if (x > m) {
                ms = LibmExpf.expf(m - x);
                m = x;
            } else {
                vs = LibmExpf.expf(x - m);
            }
            s[rs + i] = ms;
            s[wt + i] = vs;
            sum = Math.fma(sum, ms, vs);
        }
        s[maxAt] = m;
        s[sumAt] = sum;
    }

    /**
     * Dimensions {@code d0 .. d0+63} of the accumulator at {@code acc[a ..]} over positions {@code [from, to)}:
     * {@code acc = f16(fma(v, w, acc))} per position (ggml {@code vec_mad_f16}), in registers. The F16 rounding
     * (round to nearest even, F16 subnormals below 2^-14) is written out per vector: a vector passed to a
     * helper C2 does not inline is boxed.
     */
    private static void values64(float[] acc, int a, float[] v, int[] rows, int d0, int from, int to, float[] w,
                                 int wt) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a);
        FloatVector a1 = FloatVector.fromArray(F, acc, a + 16);
        FloatVector a2 = FloatVector.fromArray(F, acc, a + 32);
        FloatVector a3 = FloatVector.fromArray(F, acc, a + 48);
        for (int i = from; i < to; i++) {
            int o = rows[i] + d0;
            FloatVector wv = FloatVector.broadcast(F, w[wt + i]);
            FloatVector x = FloatVector.fromArray(F, v, o).fma(wv, a0);
            IntVector bits = x.reinterpretAsInts();
            a0 = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0x0FFF)).and(0xFFFFE000)
                    .reinterpretAsFloats().blend(x.add(0.75f).sub(0.75f), x.abs().compare(VectorOperators.LT, F16.MIN_NORMAL));
            x = FloatVector.fromArray(F, v, o + 16).fma(wv, a1);
            bits = x.reinterpretAsInts();
            a1 = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0x0FFF)).and(0xFFFFE000)
                    .reinterpretAsFloats().blend(x.add(0.75f).sub(0.75f), x.abs().compare(VectorOperators.LT, F16.MIN_NORMAL));
            x = FloatVector.fromArray(F, v, o + 32).fma(wv, a2);
            bits = x.reinterpretAsInts();
            a2 = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0x0FFF)).and(0xFFFFE000)
                    .reinterpretAsFloats().blend(x.add(0.75f).sub(0.75f), x.abs().compare(VectorOperators.LT, F16.MIN_NORMAL));
            x = FloatVector.fromArray(F, v, o + 48).fma(wv, a3);
            bits = x.reinterpretAsInts();
            a3 = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0x0FFF)).and(0xFFFFE000)
                    .reinterpretAsFloats().blend(x.add(0.75f).sub(0.75f), x.abs().compare(VectorOperators.LT, F16.MIN_NORMAL));
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + 16);
        a2.intoArray(acc, a + 32);
        a3.intoArray(acc, a + 48);
    }
}
