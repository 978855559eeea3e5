package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Causal attention of one token the way llama.cpp's CPU flash attention computes it for micro-batches of at
 * least {@link #Q_TILE} tokens ({@code ggml_compute_forward_flash_attn_ext_tiled} in ggml-cpu ops.cpp, chosen
 * when {@code neq1 >= GGML_FA_TILE_Q} and the head size is a multiple of 16). Unlike the one-query path
 * ({@link Attention}) it works on tiles of {@link #KV_TILE} keys with F32 accumulators:
 *
 * <ul>
 *   <li>the query stays F32 (not rounded to F16); scores of a tile are {@code q·k} as {@code simd_gemm}
 *       forms them (one multiply-add per dimension, in order, from zero), times {@code scale}; keys beyond
 *       the query's position are {@code −∞};</li>
 *   <li>per tile: {@code M' = max(M, tile max)}; if it grew, the F32 accumulator and the sum are scaled by
 *       {@code expf(M − M')} (the C library's); the tile's weights are ggml's own {@code e^(s − M')}
 *       ({@code ggml_vec_soft_max_f32}: {@link Activations#expSub}), their sum added to {@code S} in double
 *       per 16-value chunk (each chunk folded as {@code _mm512_reduce_add_ps});</li>
 *   <li>the accumulator takes {@code acc[d] = fma(v[d], w, acc[d])} key by key ({@code simd_gemm});</li>
 *   <li>the result is {@code acc · (1/S)}.</li>
 * </ul>
 * Per query the arithmetic does not depend on the other queries of the tile, so the result is batch
 * invariant given the token's {@code MatmulMode}. Same KV layout as {@link Attention}.
 */
public final class TiledAttention {
    /** {@code GGML_FA_TILE_Q}: micro-batches at least this large take the tiled path. */
    public static final int Q_TILE = 64;
    /** {@code GGML_FA_TILE_KV}. */
    static final int KV_TILE = 64;
    /** Query tokens {@link #attendBlock} takes at once. */
    public static final int Q_BLOCK = 4;

    private static final ThreadLocal<int[]> ROWS = ThreadLocal.withInitial(() -> new int[KV_TILE]);

    private TiledAttention() {}

    /** Scratch floats {@link #attend} needs (its own layout, or one token of {@link #attendBlock}'s). */
    public static int scratchSize(int group, int headDim) {
        return headDim * KV_TILE + 2 * KV_TILE + group * (headDim + 2);
    }

    /**
     * Same parameters as {@link Attention#attend}, with {@code q} the unrounded F32 queries; {@code headDim} a
     * multiple of 16; {@code scratch} at least {@link #scratchSize} floats.
     */
    public static void attend(float[] q, int qOff, float[] out, int outOff, int firstHead, int group, int kvHead,
                              int headDim, float[] kCache, float[] vCache, int kvDim, int[] blockTable,
                              int blockSize, int nPos, float scale, float[] scratch) {
        attend(q, qOff, out, outOff, firstHead, group, kvHead, headDim, kCache, vCache, kvDim, blockTable, blockSize,
                nPos, scale, scratch, true);
    }

    /**
     * {@link #attend}; {@code chains} false keeps one head and sixteen keys at a time everywhere (the reference
     * the tests hold the interleaved kernels to).
     */
    static void attend(float[] q, int qOff, float[] out, int outOff, int firstHead, int group, int kvHead,
                       int headDim, float[] kCache, float[] vCache, int kvDim, int[] blockTable, int blockSize,
                       int nPos, float scale, float[] scratch, boolean chains) {
        if (chains && blocks(headDim, blockSize)) {
            attendBlock(q, qOff, 0, out, outOff, 1, nPos, firstHead, group, kvHead, headDim, kCache, vCache, kvDim,
                    blockTable, blockSize, scale, scratch);
            return;
        }
        int kt = 0;                              // keys of the tile, transposed: [d][KV_TILE] (gathered only when blocks do not hold whole vector groups)
        int kq = headDim * KV_TILE;              // scores / weights of one head: [KV_TILE]
        int acc = kq + KV_TILE;                  // accumulators: [group][headDim]
        int sums = acc + group * headDim;        // S per head
        int maxes = sums + group;                // M per head
        java.util.Arrays.fill(scratch, acc, maxes, 0f);
        java.util.Arrays.fill(scratch, maxes, maxes + group, Float.NEGATIVE_INFINITY);
        int kvOff = kvHead * headDim;
        // keys are stored transposed per block (KvStorage): read L consecutive keys as vectors in place when a
        // block holds whole L-key groups, else gather the tile into a transposed copy first
        boolean direct = blockSize % Lanes.L == 0;
        int[] rows = ROWS.get();
        for (int ic = 0; ic < nPos; ic += KV_TILE) {
            int n = Math.min(KV_TILE, nPos - ic);
            KvStorage.valueRows(blockTable, blockSize, kvDim, kvOff, ic, n, rows);
            if (!direct) {
                for (int tk = 0; tk < KV_TILE; tk++) {
                    int j = ic + tk;
                    for (int d = 0; d < headDim; d++) {
                        scratch[kt + d * KV_TILE + tk] = tk < n
                                ? kCache[KvStorage.keyOffset(blockTable[j / blockSize], j % blockSize, kvOff + d, kvDim, blockSize)]
                                : 0f;
                    }
                }
            }
            int g = 0;
            for (; g < group; g++) {
                int qh = qOff + (firstHead + g) * headDim;
                for (int tk = 0; tk < n; tk += Lanes.L) {
                    if (direct) {
                        int j = ic + tk;
                        int kb = KvStorage.keyOffset(blockTable[j / blockSize], j % blockSize, kvOff, kvDim, blockSize);
                        scores(q, qh, kCache, kb, blockSize, scratch, kq + tk, headDim, scale);
                    } else {
                        scores(q, qh, scratch, kt + tk, KV_TILE, scratch, kq + tk, headDim, scale);
                    }
                }
                int a = acc + g * headDim;
                softmaxTile(scratch, kq, n, a, headDim, sums + g, maxes + g);
                if (headDim % 64 == 0 && Lanes.L == 16) {
                    for (int d0 = 0; d0 < headDim; d0 += 64) {
                        madd64(scratch, a + d0, vCache, rows, d0, n, scratch, kq);
                    }
                } else {
                    for (int tk = 0; tk < n; tk++) {
                        madd(scratch, a, vCache, rows[tk], headDim, scratch[kq + tk]);
                    }
                }
            }
        }
        normalize(scratch, acc, group, headDim, out, outOff + firstHead * headDim);
    }

    /** Whether {@link #attendBlock} serves {@code headDim} and {@code blockSize} on this machine. */
    public static boolean blocks(int headDim, int blockSize) {
        return Lanes.L == 16 && headDim % 64 == 0 && blockSize % 16 == 0;
    }

    /** Scratch floats {@link #attendBlock} needs. */
    public static int blockScratchSize(int group, int headDim) {
        return 2 * KV_TILE + Q_BLOCK * group * (headDim + 2);
    }

    /**
     * {@link #attend} for {@code count} (1 to {@link #Q_BLOCK}) query tokens of one sequence: token {@code j}'s
     * queries at {@code q[qOff + j·stride ..]}, its outputs at {@code out[outOff + j·stride ..]}, its keys
     * {@code [0, nPos0 + j)} (consecutive prompt tokens). Each 64-key tile is taken by every token in turn while it is in cache. One token at a
     * time re-read the whole K/V history per token: at a 3000-token prompt that is hundreds of GB per prefill,
     * and attention, though at the FMA rate per key, ran several times slower than that rate. Per token the
     * arithmetic is {@link #attend}'s, so the bits are the same (keys past a token's own range are read and
     * given −∞ scores, as in a partial tile). Needs {@link #blocks}.
     */
    public static void attendBlock(float[] q, int qOff, int stride, float[] out, int outOff, int count, int nPos0,
                                   int firstHead, int group, int kvHead, int headDim, float[] kCache,
                                   float[] vCache, int kvDim, int[] blockTable, int blockSize, float scale,
                                   float[] scratch) {
        int kq = 0;                               // scores / weights of one head: [KV_TILE]
        int kq2 = KV_TILE;                        // of a second head
        int state = 2 * KV_TILE;                  // per token: accumulators [group][headDim], S [group], M [group]
        int per = group * (headDim + 2);
        int maxPos = nPos0 + count - 1;
        for (int j = 0; j < count; j++) {
            int base = state + j * per;
            java.util.Arrays.fill(scratch, base, base + group * (headDim + 1), 0f);
            java.util.Arrays.fill(scratch, base + group * (headDim + 1), base + per, Float.NEGATIVE_INFINITY);
        }
        int kvOff = kvHead * headDim;
        int[] rows = ROWS.get();
        for (int ic = 0; ic < maxPos; ic += KV_TILE) {
            int nTile = Math.min(KV_TILE, maxPos - ic);
            KvStorage.valueRows(blockTable, blockSize, kvDim, kvOff, ic, nTile, rows);
            int kb0 = keyAt(blockTable, blockSize, kvOff, kvDim, ic);
            int kb1 = nTile > 16 ? keyAt(blockTable, blockSize, kvOff, kvDim, ic + 16) : kb0;
            int kb2 = nTile > 32 ? keyAt(blockTable, blockSize, kvOff, kvDim, ic + 32) : kb0;
            int kb3 = nTile > 48 ? keyAt(blockTable, blockSize, kvOff, kvDim, ic + 48) : kb0;
            for (int j = 0; j < count; j++) {
                int n = Math.min(KV_TILE, nPos0 + j - ic);
                if (n <= 0) {
                    continue;
                }
                int acc = state + j * per;
                int sums = acc + group * headDim;
                int maxes = sums + group;
                int qj = qOff + j * stride;
                int g = 0;
                for (; g + 1 < group; g += 2) {
                    int a = acc + g * headDim;
                    scores2(q, qj + (firstHead + g) * headDim, qj + (firstHead + g + 1) * headDim, kCache, kb0, kb1,
                            kb2, kb3, blockSize, scratch, kq, kq2, headDim, scale);
                    softmaxTile(scratch, kq, n, a, headDim, sums + g, maxes + g);
                    softmaxTile(scratch, kq2, n, a + headDim, headDim, sums + g + 1, maxes + g + 1);
                    for (int d0 = 0; d0 < headDim; d0 += 64) {
                        madd64x2(scratch, a + d0, a + headDim + d0, vCache, rows, d0, n, scratch, kq, kq2);
                    }
                }
                if (g < group) {
                    int a = acc + g * headDim;
                    scores1(q, qj + (firstHead + g) * headDim, kCache, kb0, kb1, kb2, kb3, blockSize, scratch, kq,
                            headDim, scale);
                    softmaxTile(scratch, kq, n, a, headDim, sums + g, maxes + g);
                    for (int d0 = 0; d0 < headDim; d0 += 64) {
                        madd64(scratch, a + d0, vCache, rows, d0, n, scratch, kq);
                    }
                }
            }
        }
        for (int j = 0; j < count; j++) {
            normalize(scratch, state + j * per, group, headDim, out, outOff + j * stride + firstHead * headDim);
        }
    }

    /** {@code out[o + g·headDim + d] = acc_g[d] / S_g} for the state (accumulators, then sums) at {@code acc}. */
    private static void normalize(float[] scratch, int acc, int group, int headDim, float[] out, int o) {
        int sums = acc + group * headDim;
        for (int g = 0; g < group; g++) {
            float s = scratch[sums + g];
            float inv = s == 0f ? 0f : 1f / s;
            int a = acc + g * headDim;
            for (int d = 0; d < headDim; d++) {
                out[o + g * headDim + d] = scratch[a + d] * inv;
            }
        }
    }

    private static int keyAt(int[] blockTable, int blockSize, int kvOff, int kvDim, int j) {
        return KvStorage.keyOffset(blockTable[j / blockSize], j % blockSize, kvOff, kvDim, blockSize);
    }

    /**
     * One head's online-softmax step over a tile whose first {@code n} scores are at {@code s[kq ..]}: scores past
     * {@code n} become −∞; {@code M' = max(M, tile max)}; if it grew, the accumulator {@code s[a .. a+headDim)}
     * and the sum are scaled by {@code expf(M − M')}; the scores become their weights {@code e^(s − M')} and
     * their sum is added to {@code S} in double per 16-value chunk.
     */
    private static void softmaxTile(float[] s, int kq, int n, int a, int headDim, int sumAt, int maxAt) {
        for (int tk = n; tk < KV_TILE; tk++) {
            s[kq + tk] = Float.NEGATIVE_INFINITY;
        }
        // a maximum does not depend on the order it is taken in (Math.max semantics lane by lane)
        FloatVector mx = FloatVector.fromArray(Lanes.F, s, kq);
        for (int tk = Lanes.L; tk < KV_TILE; tk += Lanes.L) {
            mx = mx.max(FloatVector.fromArray(Lanes.F, s, kq + tk));
        }
        float tileMax = mx.reduceLanes(VectorOperators.MAX);
        float m = s[maxAt];
        float mNew = Math.max(m, tileMax);
        if (mNew > m) {
            float ms = LibmExpf.expf(m - mNew);
            for (int d = 0; d < headDim; d++) {
                s[a + d] *= ms;
            }
            s[sumAt] *= ms;
        }
        s[maxAt] = mNew;
        Activations.expSub(s, kq, mNew, s, kq, KV_TILE);
        double sum = 0;
        for (int c = 0; c < KV_TILE; c += 16) {
            sum += Lanes.L == 16 ? Lanes.sumAt(s, kq + c) : reduce16(s, kq + c);
        }
        s[sumAt] = (float) (s[sumAt] + sum);
    }

    /**
     * {@link #scores} of a whole 64-key tile for two heads ({@code qa}, {@code qb})
     * into {@code w[outA ..]} and {@code w[outB ..]}: the four 16-key groups at {@code kb0 .. kb3} (transposed
     * blocks, stride {@code stride}) and both heads advance together, eight independent multiply-add chains
     * sharing each key load. One head and sixteen keys at a time is a single chain of {@code headDim} dependent
     * multiply-adds, bound by their latency. Per key the arithmetic is unchanged: one fused step per dimension,
     * in order, from zero, then {@code × scale}.
     */
    private static void scores2(float[] q, int qa, int qb, float[] k, int kb0, int kb1, int kb2, int kb3, int stride,
                                float[] w, int outA, int outB, int headDim, float scale) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int d = 0; d < headDim; d++) {
            int o = d * stride;
            FloatVector k0 = FloatVector.fromArray(Lanes.F, k, kb0 + o);
            FloatVector k1 = FloatVector.fromArray(Lanes.F, k, kb1 + o);
            FloatVector k2 = FloatVector.fromArray(Lanes.F, k, kb2 + o);
            FloatVector k3 = FloatVector.fromArray(Lanes.F, k, kb3 + o);
            FloatVector x = FloatVector.broadcast(Lanes.F, q[qa + d]);
            a0 = k0.fma(x, a0);
            a1 = k1.fma(x, a1);
            a2 = k2.fma(x, a2);
            a3 = k3.fma(x, a3);
            x = FloatVector.broadcast(Lanes.F, q[qb + d]);
            b0 = k0.fma(x, b0);
            b1 = k1.fma(x, b1);
            b2 = k2.fma(x, b2);
            b3 = k3.fma(x, b3);
        }
        a0.mul(scale).intoArray(w, outA);
        a1.mul(scale).intoArray(w, outA + 16);
        a2.mul(scale).intoArray(w, outA + 32);
        a3.mul(scale).intoArray(w, outA + 48);
        b0.mul(scale).intoArray(w, outB);
        b1.mul(scale).intoArray(w, outB + 16);
        b2.mul(scale).intoArray(w, outB + 32);
        b3.mul(scale).intoArray(w, outB + 48);
    }

    /** {@link #scores2} for one head: four chains. */
    private static void scores1(float[] q, int qa, float[] k, int kb0, int kb1, int kb2, int kb3, int stride,
                                float[] w, int out, int headDim, float scale) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        for (int d = 0; d < headDim; d++) {
            int o = d * stride;
            FloatVector x = FloatVector.broadcast(Lanes.F, q[qa + d]);
            a0 = FloatVector.fromArray(Lanes.F, k, kb0 + o).fma(x, a0);
            a1 = FloatVector.fromArray(Lanes.F, k, kb1 + o).fma(x, a1);
            a2 = FloatVector.fromArray(Lanes.F, k, kb2 + o).fma(x, a2);
            a3 = FloatVector.fromArray(Lanes.F, k, kb3 + o).fma(x, a3);
        }
        a0.mul(scale).intoArray(w, out);
        a1.mul(scale).intoArray(w, out + 16);
        a2.mul(scale).intoArray(w, out + 32);
        a3.mul(scale).intoArray(w, out + 48);
    }

    /**
     * Scores of {@code L} consecutive keys whose dimension {@code d} sits at {@code k[kb + d·stride ..]}, into
     * {@code w[out ..]}: {@code (Σ_d q[d]·k[d]) · scale}, the sum one fused step per dimension, in order, from
     * zero (ggml's {@code simd_gemm}).
     */
    private static void scores(float[] q, int qh, float[] k, int kb, int stride, float[] w, int out, int headDim,
                               float scale) {
        FloatVector s = FloatVector.zero(Lanes.F);
        for (int d = 0; d < headDim; d++) {
            s = FloatVector.fromArray(Lanes.F, k, kb + d * stride).fma(FloatVector.broadcast(Lanes.F, q[qh + d]), s);
        }
        s.mul(scale).intoArray(w, out);
    }

    /**
     * Dimensions {@code d0 .. d0+63} of the accumulator {@code acc[a ..]} over the tile's first {@code n} keys:
     * {@code acc[d] = fma(v[d], w, acc[d])} key by key, as {@link #madd}, with the accumulator held in
     * registers across the keys instead of stored and reloaded per key.
     */
    private static void madd64(float[] acc, int a, float[] v, int[] rows, int d0, int n, float[] w, int kq) {
        FloatVector a0 = FloatVector.fromArray(Lanes.F, acc, a);
        FloatVector a1 = FloatVector.fromArray(Lanes.F, acc, a + 16);
        FloatVector a2 = FloatVector.fromArray(Lanes.F, acc, a + 32);
        FloatVector a3 = FloatVector.fromArray(Lanes.F, acc, a + 48);
        for (int tk = 0; tk < n; tk++) {
            int o = rows[tk] + d0;
            FloatVector wv = FloatVector.broadcast(Lanes.F, w[kq + tk]);
            a0 = FloatVector.fromArray(Lanes.F, v, o).fma(wv, a0);
            a1 = FloatVector.fromArray(Lanes.F, v, o + 16).fma(wv, a1);
            a2 = FloatVector.fromArray(Lanes.F, v, o + 32).fma(wv, a2);
            a3 = FloatVector.fromArray(Lanes.F, v, o + 48).fma(wv, a3);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + 16);
        a2.intoArray(acc, a + 32);
        a3.intoArray(acc, a + 48);
    }

    /**
     * {@link #madd64} for two heads ({@code acc[a ..]} with weights {@code w[kq ..]}, {@code acc[b ..]} with
     * {@code w[kq2 ..]}): each V vector loaded once, eight independent multiply-add chains.
     */
    private static void madd64x2(float[] acc, int a, int b, float[] v, int[] rows, int d0, int n, float[] w, int kq,
                                 int kq2) {
        FloatVector a0 = FloatVector.fromArray(Lanes.F, acc, a);
        FloatVector a1 = FloatVector.fromArray(Lanes.F, acc, a + 16);
        FloatVector a2 = FloatVector.fromArray(Lanes.F, acc, a + 32);
        FloatVector a3 = FloatVector.fromArray(Lanes.F, acc, a + 48);
        FloatVector b0 = FloatVector.fromArray(Lanes.F, acc, b);
        FloatVector b1 = FloatVector.fromArray(Lanes.F, acc, b + 16);
        FloatVector b2 = FloatVector.fromArray(Lanes.F, acc, b + 32);
        FloatVector b3 = FloatVector.fromArray(Lanes.F, acc, b + 48);
        for (int tk = 0; tk < n; tk++) {
            int o = rows[tk] + d0;
            FloatVector wa = FloatVector.broadcast(Lanes.F, w[kq + tk]);
            FloatVector wb = FloatVector.broadcast(Lanes.F, w[kq2 + tk]);
            FloatVector v0 = FloatVector.fromArray(Lanes.F, v, o);
            FloatVector v1 = FloatVector.fromArray(Lanes.F, v, o + 16);
            FloatVector v2 = FloatVector.fromArray(Lanes.F, v, o + 32);
            FloatVector v3 = FloatVector.fromArray(Lanes.F, v, o + 48);
            a0 = v0.fma(wa, a0);
            a1 = v1.fma(wa, a1);
            a2 = v2.fma(wa, a2);
            a3 = v3.fma(wa, a3);
            b0 = v0.fma(wb, b0);
            b1 = v1.fma(wb, b1);
            b2 = v2.fma(wb, b2);
            b3 = v3.fma(wb, b3);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + 16);
        a2.intoArray(acc, a + 32);
        a3.intoArray(acc, a + 48);
        b0.intoArray(acc, b);
        b1.intoArray(acc, b + 16);
        b2.intoArray(acc, b + 32);
        b3.intoArray(acc, b + 48);
    }

    /** {@code acc[a + d] = fma(v[row + d], w, acc[a + d])}. */
    private static void madd(float[] acc, int a, float[] v, int row, int n, float w) {
        FloatVector wv = FloatVector.broadcast(Lanes.F, w);
        for (int d = 0; d < n; d += Lanes.L) {
            FloatVector.fromArray(Lanes.F, v, row + d).fma(wv, FloatVector.fromArray(Lanes.F, acc, a + d)).intoArray(acc, a + d);
        }
    }

    /**
     * {@code _mm512_reduce_add_ps} of 16 values, as GCC expands it: {@code ((x0+x8)+(x4+x12)) + ((x2+x10)+(x6+x14))
     * + …}, the same tree as {@link Lanes#sumAt}, which does it with vector rotations where lanes are 16.
     */
    private static float reduce16(float[] x, int o) {
        float u0 = (x[o] + x[o + 8]) + (x[o + 4] + x[o + 12]);
        float u1 = (x[o + 1] + x[o + 9]) + (x[o + 5] + x[o + 13]);
        float u2 = (x[o + 2] + x[o + 10]) + (x[o + 6] + x[o + 14]);
        float u3 = (x[o + 3] + x[o + 11]) + (x[o + 7] + x[o + 15]);
        return (u0 + u2) + (u1 + u3);
    }
}
