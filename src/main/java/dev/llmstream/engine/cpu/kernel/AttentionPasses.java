package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one-query flash-attention loop of {@link Attention} (ggml {@code flash_attn_ext_f16}, one query row)
 * restructured into three passes over tiles of {@link #TILE} positions, with the same arithmetic and so the
 * same bits. The plain loop does, per position, a 64-wide dot product with a horizontal reduction, a
 * libm {@code expf} and an F16-rounded multiply-add of the V row into an accumulator in memory; each of
 * those waits on the one before, and the accumulator's store-to-load chain serializes positions. Here:
 *
 * <ol>
 *   <li><b>scores</b>: sixteen positions at a time from the block's transposed keys ({@link KvStorage}), the
 *       vector lanes running over positions, so that ggml's per-key dot product — four 16-lane accumulators
 *       over the dimensions, folded {@code (s0+s2)+(s1+s3)}, then the lanes reduced as {@link Lanes#sumAt}:
 *       {@code ((v0+v8)+(v4+v12))+((v2+v10)+(v6+v14)) + …} — becomes element-wise operations, the same
 *       additions for every position and no horizontal reduction ({@link AttentionScores}; two heads of a
 *       group share each key load);</li>
 *   <li><b>softmax weights</b>: the running maximum {@code M} and sum {@code S}, in position order, giving
 *       each position its V weight {@code vs} and the rescale {@code ms} of the accumulator (1 when the
 *       maximum did not move; rescaling by 1 leaves an F16 value unchanged, so it is skipped);</li>
 *   <li><b>values</b>: the accumulator held in registers, 64 dimensions at a time, over runs of positions
 *       between rescales: {@code acc = f16(fma(v, vs, acc))} per position, the rescale
 *       {@code acc = f16(acc · ms)} applied in memory between runs.</li>
 * </ol>
 * Needs 16-lane float vectors and a head size that is a multiple of 64 ({@link #applies}); other shapes keep
 * the plain loop. Tensor shapes as in {@link Attention}: V rows of {@code headDim} floats at
 * {@code rows[i] = (block · blockSize + slot) · kvDim + kvHead · headDim}; keys transposed per block.
 */
final class AttentionPasses {
    /** Positions per tile: their scores, weights and rescales live in scratch. A multiple of 16. */
    static final int TILE = 256;
    /** Scratch floats beyond {@link Attention}'s accumulators: scores, two heads' weights and rescales, the scores' partial sums. */
    static final int WORK = 5 * TILE + AttentionScores.SCRATCH;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    /** The exponent field of 2^-14 (F16's smallest normal), and what turns an exponent field {@code E} into the bits of {@code 1.5·2^(E+13)}: see {@link #values32}. */
    private static final int MIN_EXP = 0x38800000;
    private static final int MID_BINADE = (13 << 23) | 0x00400000;
    private static final ThreadLocal<int[]> ROWS = ThreadLocal.withInitial(() -> new int[TILE]);

    private AttentionPasses() {}

    /**
     * Whether this path serves {@code headDim} and {@code blockSize} on this machine: 16-lane vectors, whole
     * 64-dim steps, and sixteen consecutive positions (from a multiple of 16) always in one block.
     */
    static boolean applies(int headDim, int blockSize) {
        return Lanes.L == 16 && headDim % 64 == 0 && blockSize % 16 == 0;
    }

    /**
     * Same contract as the plain loop ({@code Attention.chunk}): positions {@code [from, to)}, accumulators
     * at {@code scratch[base + g·headDim ..]}, sums {@code S} at {@code base + group·headDim + g}, maxima
     * after them; {@code work} is the offset of {@link #WORK} further scratch floats.
     */
    static void chunk(float[] q, int qOff, int firstHead, int group, int kvHead, int headDim, float[] kCache,
                      float[] vCache, int kvDim, int[] blockTable, int blockSize, int from, int to, float scale,
                      float[] scratch, int base, int work) {
        chunkBlock(q, qOff, 0, 1, firstHead, group, kvHead, headDim, kCache, vCache, kvDim, blockTable, blockSize,
                from, to, 0, scale, scratch, base, 0, work);
    }

    /**
     * {@link #chunk} for {@code count} queries of one sequence at once: query {@code j} at {@code q[qOff + j·qStride ..]}
     * over positions {@code [from, to + j·toStep)}, its state at {@code scratch[base + j·baseStride ..]}. Each tile of
     * keys and values is used by every query in turn while it is in cache (a speculative verify step's queries
     * each re-read the whole history otherwise). The (query, head) items go two at a time through the two-head
     * kernels — a group's odd head paired with the next query's first head — since one head alone costs about
     * 1.75× a paired one (its V chains wait on their latency, its key loads serve one query). Per item the
     * operations are {@link #chunk}'s.
     */
    static void chunkBlock(float[] q, int qOff, int qStride, int count, int firstHead, int group, int kvHead,
                           int headDim, float[] kCache, float[] vCache, int kvDim, int[] blockTable, int blockSize,
                           int from, int to, int toStep, float scale, float[] scratch, int base, int baseStride,
                           int work) {
        for (int j = 0; j < count; j++) {
            int b = base + j * baseStride;
            int maxOff = b + group * headDim + group;
            java.util.Arrays.fill(scratch, b, maxOff, 0f);
            java.util.Arrays.fill(scratch, maxOff, maxOff + group, Float.NEGATIVE_INFINITY);
        }
        int[] rows = ROWS.get();
        int kvOff = kvHead * headDim;
        int last = to + (count - 1) * toStep;
        int items = count * group;
        for (int t0 = from; t0 < last; t0 += TILE) {
            KvStorage.valueRows(blockTable, blockSize, kvDim, kvOff, t0, Math.min(TILE, last - t0), rows);
            for (int k = 0; k < items; k += 2) {
                int j = k / group;
                int g = k % group;
                int n = Math.min(TILE, to + j * toStep - t0);
                int qh = qOff + j * qStride + (firstHead + g) * headDim;
                int acc = base + j * baseStride + g * headDim;
                int sum = base + j * baseStride + group * headDim + g;
                int n2 = 0;
                int qh2 = 0;
                int acc2 = 0;
                int sum2 = 0;
                if (k + 1 < items) {
                    int j2 = (k + 1) / group;
                    int g2 = (k + 1) % group;
                    n2 = Math.min(TILE, to + j2 * toStep - t0);
                    qh2 = qOff + j2 * qStride + (firstHead + g2) * headDim;
                    acc2 = base + j2 * baseStride + g2 * headDim;
                    sum2 = base + j2 * baseStride + group * headDim + g2;
                }
                if (n > 0 && n2 > 0) {
                    pair(q, qh, acc, sum, sum + group, n, qh2, acc2, sum2, sum2 + group, n2, headDim, kCache, vCache,
                            kvDim, kvOff, blockTable, blockSize, t0, scale, scratch, rows, work);
                    continue;
                }
                if (n <= 0) { // only the second item reaches this tile (or neither)
                    qh = qh2;
                    acc = acc2;
                    sum = sum2;
                    n = n2;
                }
                if (n > 0) {
                    single(q, qh, acc, sum, sum + group, n, headDim, kCache, vCache, kvDim, kvOff, blockTable,
                            blockSize, t0, scale, scratch, rows, work);
                }
            }
        }
    }

    /**
     * Two items over the tile from {@code t0}: query heads at {@code q[qh ..]} (state: accumulator {@code s[acc ..]},
     * {@code S} at {@code s[sum]}, {@code M} at {@code s[max]}, first {@code n} positions) and {@code q[qh2 ..]}
     * ({@code acc2}, {@code sum2}, {@code max2}, {@code n2}). Their scores are formed together
     * ({@link AttentionScores#scores16x2}: each key loaded once for both) and their V accumulation shares each V row
     * and runs two independent chains of F16-rounded multiply-adds, over the positions both attend to; the one
     * that attends further goes on alone.
     */
    private static void pair(float[] q, int qh, int acc, int sum, int max, int n, int qh2, int acc2, int sum2,
                             int max2, int n2, int headDim, float[] kCache, float[] vCache, int kvDim, int kvOff,
                             int[] blockTable, int blockSize, int t0, float scale, float[] s, int[] rows, int work) {
        int sc = work;
        int wt = work + TILE;
        int rs = work + 2 * TILE;
        int wt2 = work + 3 * TILE;
        int rs2 = work + 4 * TILE;
        int st = work + 5 * TILE;
        int both = Math.max(n, n2);
        for (int i0 = 0; i0 < both; i0 += 16) {
            int j = t0 + i0;
            int kb = KvStorage.keyOffset(blockTable[j / blockSize], j % blockSize, kvOff, kvDim, blockSize);
            // the second item's scores go where its weights will be; weights() rewrites them position by position
            AttentionScores.scores16x2(q, qh, qh2, headDim, kCache, kb, blockSize, s, st, sc + i0, wt2 + i0, scale);
        }
        weights(s, sc, wt, rs, n, sum, max);
        weights(s, wt2, wt2, rs2, n2, sum2, max2);
        int common = Math.min(n, n2);
        for (int i = 0; i < common; ) {
            float ms = s[rs + i];
            float ms2 = s[rs2 + i];
            if (ms != 1f) {
                Attention.scaleF16(s, acc, headDim, ms);
            }
            if (ms2 != 1f) {
                Attention.scaleF16(s, acc2, headDim, ms2);
            }
            int e = i + 1;
            while (e < common && s[rs + e] == 1f && s[rs2 + e] == 1f) {
                e++;
            }
            for (int d0 = 0; d0 < headDim; d0 += 16) {
                values16x2(s, acc + d0, acc2 + d0, vCache, rows, d0, i, e, s, wt, wt2);
            }
            i = e;
        }
        if (n > common) {
            values(s, acc, headDim, vCache, rows, common, n, wt, rs);
        } else if (n2 > common) {
            values(s, acc2, headDim, vCache, rows, common, n2, wt2, rs2);
        }
    }

    /** {@link #pair} for one item. */
    private static void single(float[] q, int qh, int acc, int sum, int max, int n, int headDim, float[] kCache,
                               float[] vCache, int kvDim, int kvOff, int[] blockTable, int blockSize, int t0,
                               float scale, float[] s, int[] rows, int work) {
        int sc = work;
        int wt = work + TILE;
        int rs = work + 2 * TILE;
        int st = work + 5 * TILE;
        for (int i0 = 0; i0 < n; i0 += 16) {
            int j = t0 + i0;
            int kb = KvStorage.keyOffset(blockTable[j / blockSize], j % blockSize, kvOff, kvDim, blockSize);
            AttentionScores.scores16(q, qh, headDim, kCache, kb, blockSize, s, st, sc + i0, scale);
        }
        weights(s, sc, wt, rs, n, sum, max);
        values(s, acc, headDim, vCache, rows, 0, n, wt, rs);
    }

    /** One item's V accumulation over tile positions {@code [from, to)}: weights at {@code s[wt ..]}, rescales at {@code s[rs ..]}. */
    private static void values(float[] s, int acc, int headDim, float[] vCache, int[] rows, int from, int to, int wt,
                               int rs) {
        for (int i = from; i < to; ) {
            float ms = s[rs + i];
            if (ms != 1f) {
                Attention.scaleF16(s, acc, headDim, ms);
            }
            int e = i + 1;
            while (e < to && s[rs + e] == 1f) {
                e++;
            }
            for (int d0 = 0; d0 < headDim; d0 += 32) {
                values32(s, acc + d0, vCache, rows, d0, i, e, s, wt);
            }
            i = e;
        }
    }

    /**
     * Online softmax over the tile's scores in position order: V weights into {@code s[wt ..]}, accumulator
     * rescales into {@code s[rs ..]} (1 where the maximum stayed), {@code M} and {@code S} updated in place.
     * {@code wt} may be {@code sc}.
     */
    private static void weights(float[] s, int sc, int wt, int rs, int n, int sumAt, int maxAt) {
        float m = s[maxAt];
        float sum = s[sumAt];
        for (int i = 0; i < n; i++) {
            // eight positions none of which raises the maximum (most of them, once the first few have been seen):
            // their weights at once, rescales 1; the sum still adds them in position order (fma with 1 is an add)
            if (i + 8 <= n && LibmExpf.atMost8(s, sc + i, m)) {
                LibmExpf.expDiff8(s, sc + i, m, s, wt + i);
                for (int e = i + 8; i < e; i++) {
                    s[rs + i] = 1f;
                    sum += s[wt + i];
                }
                i--;
                continue;
            }
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
     * Dimensions {@code d0 .. d0+31} of the accumulator at {@code acc[a ..]} over positions {@code [from, to)}:
     * {@code acc = f16(fma(v, w, acc))} per position (ggml {@code vec_mad_f16}), in registers.
     *
     * <p>F16 rounding (to nearest, ties to even, F16 subnormals below 2^-14) by adding and subtracting
     * {@code c = 1.5·2^(E+13)}, {@code E} the exponent of {@code x} but at least −14: as {@code |x| < 2^(E+1)}, the
     * sum lies inside the binade of {@code c} whatever the sign of {@code x}, and that binade's float spacing
     * {@code 2^(E−10)} is the F16 spacing of {@code x}'s binade (below 2^-14 the fixed subnormal spacing 2^-24). So
     * the float addition rounds {@code x} to that grid as the conversion to F16 does — ties to even too, because
     * {@code c} is an even multiple of the spacing — and the subtraction is exact. Three integer operations and two
     * float ones (a sign-matched {@code ±2^(E+13)} needed a fourth, the sign blend), where the bit-manipulating
     * form with a separate subnormal branch took ten. (Accumulators never approach the float range where {@code c}
     * would overflow: {@code |acc| <= Σ w·|v|} with F16 values.)
     *
     * <p>Two chains of 16 dimensions, not four: every chain adds about 4 000 C2 nodes, and a method past 18 000
     * has its later Vector API calls inlined late, where a loop-carried vector can lose its exact class and be
     * boxed every position (it was: gigabytes per step; see {@code LaneKernels}). The constants are vectors made
     * before the loop, which saves a broadcast per operation.
     */
    private static void values32(float[] acc, int a, float[] v, int[] rows, int d0, int from, int to, float[] w,
                                 int wt) {
        // Checked up front, which also keeps this method past C2's 325-byte limit for inlining a hot call: inlined
        // into pair() or values() it would swell them past the node budget (class comment of LaneKernels).
        if (from < 0 || from > to || to > rows.length || a < 0 || a + 32 > acc.length || wt < 0 || wt + to > w.length) {
            throw new IllegalArgumentException(String.format("values32: run [%d, %d) of %d rows, accumulator %d of %d, weights %d of %d",
                    from, to, rows.length, a, acc.length, wt, w.length));
        }
        IntVector expMask = IntVector.broadcast(I, 0x7F800000);
        IntVector minExp = IntVector.broadcast(I, MIN_EXP);
        IntVector mid = IntVector.broadcast(I, MID_BINADE);
        FloatVector a0 = FloatVector.fromArray(F, acc, a);
        FloatVector a1 = FloatVector.fromArray(F, acc, a + 16);
        for (int i = from; i < to; i++) {
            int o = rows[i] + d0;
            FloatVector wv = FloatVector.broadcast(F, w[wt + i]);
            FloatVector x = FloatVector.fromArray(F, v, o).fma(wv, a0);
            FloatVector c = x.reinterpretAsInts().and(expMask).max(minExp).add(mid).reinterpretAsFloats();
            a0 = x.add(c).sub(c);
            x = FloatVector.fromArray(F, v, o + 16).fma(wv, a1);
            c = x.reinterpretAsInts().and(expMask).max(minExp).add(mid).reinterpretAsFloats();
            a1 = x.add(c).sub(c);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + 16);
    }

    /**
     * {@link #values32} for two heads and 16 dimensions ({@code acc[a ..]} with weights {@code w[wt ..]},
     * {@code acc[b ..]} with {@code w[wt2 ..]}): one load of each V vector, two independent rounding chains.
     */
    private static void values16x2(float[] acc, int a, int b, float[] v, int[] rows, int d0, int from, int to,
                                   float[] w, int wt, int wt2) {
        // checked up front, and kept out of its callers, as in values32
        if (from < 0 || from > to || to > rows.length || a < 0 || a + 16 > acc.length || b < 0 || b + 16 > acc.length
                || wt < 0 || wt + to > w.length || wt2 < 0 || wt2 + to > w.length) {
            throw new IllegalArgumentException(String.format("values16x2: run [%d, %d) of %d rows, accumulators %d and %d of %d, weights %d and %d of %d",
                    from, to, rows.length, a, b, acc.length, wt, wt2, w.length));
        }
        IntVector expMask = IntVector.broadcast(I, 0x7F800000);
        IntVector minExp = IntVector.broadcast(I, MIN_EXP);
        IntVector mid = IntVector.broadcast(I, MID_BINADE);
        FloatVector a0 = FloatVector.fromArray(F, acc, a);
        FloatVector b0 = FloatVector.fromArray(F, acc, b);
        for (int i = from; i < to; i++) {
            FloatVector vv = FloatVector.fromArray(F, v, rows[i] + d0);
            FloatVector x = vv.fma(FloatVector.broadcast(F, w[wt + i]), a0);
            FloatVector c = x.reinterpretAsInts().and(expMask).max(minExp).add(mid).reinterpretAsFloats();
            a0 = x.add(c).sub(c);
            x = vv.fma(FloatVector.broadcast(F, w[wt2 + i]), b0);
            c = x.reinterpretAsInts().and(expMask).max(minExp).add(mid).reinterpretAsFloats();
            b0 = x.add(c).sub(c);
        }
        a0.intoArray(acc, a);
        b0.intoArray(acc, b);
    }
}
