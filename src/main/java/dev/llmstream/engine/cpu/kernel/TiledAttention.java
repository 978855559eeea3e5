package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;

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

    private static final ThreadLocal<int[]> ROWS = ThreadLocal.withInitial(() -> new int[KV_TILE]);

    private TiledAttention() {}

    /** Scratch floats {@link #attend} needs. */
    public static int scratchSize(int group, int headDim) {
        return headDim * KV_TILE + 2 * KV_TILE + group * (headDim + 2) + 16;
    }

    /**
     * Same parameters as {@link Attention#attend}, with {@code q} the unrounded F32 queries; {@code headDim} a
     * multiple of 16; {@code scratch} at least {@link #scratchSize} floats.
     */
    public static void attend(float[] q, int qOff, float[] out, int outOff, int firstHead, int group, int kvHead,
                              int headDim, float[] kCache, float[] vCache, int kvDim, int[] blockTable,
                              int blockSize, int nPos, float scale, float[] scratch) {
        int kt = 0;                              // keys of the tile, transposed: [d][KV_TILE] (gathered only when blocks do not hold whole vector groups)
        int kq = headDim * KV_TILE;              // scores / weights of one head: [KV_TILE]
        int acc = kq + KV_TILE;                  // accumulators: [group][headDim]
        int sums = acc + group * headDim;        // S per head
        int maxes = sums + group;                // M per head
        int park = maxes + group;                // 16 floats for a chunk sum
        java.util.Arrays.fill(scratch, acc, maxes, 0f);
        java.util.Arrays.fill(scratch, maxes, park, Float.NEGATIVE_INFINITY);
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
            for (int g = 0; g < group; g++) {
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
                float tileMax = Float.NEGATIVE_INFINITY;
                for (int tk = 0; tk < KV_TILE; tk++) {
                    if (tk >= n) {
                        scratch[kq + tk] = Float.NEGATIVE_INFINITY;
                    }
                    tileMax = Math.max(tileMax, scratch[kq + tk]);
                }
                int a = acc + g * headDim;
                float m = scratch[maxes + g];
                float mNew = Math.max(m, tileMax);
                if (mNew > m) {
                    float ms = LibmExpf.expf(m - mNew);
                    for (int d = 0; d < headDim; d++) {
                        scratch[a + d] *= ms;
                    }
                    scratch[sums + g] *= ms;
                }
                scratch[maxes + g] = mNew;
                Activations.expSub(scratch, kq, mNew, scratch, kq, KV_TILE);
                double sum = 0;
                for (int c = 0; c < KV_TILE; c += 16) {
                    sum += reduce16(scratch, kq + c);
                }
                scratch[sums + g] = (float) (scratch[sums + g] + sum);
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
        for (int g = 0; g < group; g++) {
            float s = scratch[sums + g];
            float inv = s == 0f ? 0f : 1f / s;
            int o = outOff + (firstHead + g) * headDim;
            int a = acc + g * headDim;
            for (int d = 0; d < headDim; d++) {
                out[o + d] = scratch[a + d] * inv;
            }
        }
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

    /** {@code acc[a + d] = fma(v[row + d], w, acc[a + d])}. */
    private static void madd(float[] acc, int a, float[] v, int row, int n, float w) {
        FloatVector wv = FloatVector.broadcast(Lanes.F, w);
        for (int d = 0; d < n; d += Lanes.L) {
            FloatVector.fromArray(Lanes.F, v, row + d).fma(wv, FloatVector.fromArray(Lanes.F, acc, a + d)).intoArray(acc, a + d);
        }
    }

    /** {@code _mm512_reduce_add_ps} of 16 values, as GCC expands it. */
    private static float reduce16(float[] x, int o) {
        float u0 = (x[o] + x[o + 8]) + (x[o + 4] + x[o + 12]);
        float u1 = (x[o + 1] + x[o + 9]) + (x[o + 5] + x[o + 13]);
        float u2 = (x[o + 2] + x[o + 10]) + (x[o + 6] + x[o + 14]);
        float u3 = (x[o + 3] + x[o + 11]) + (x[o + 7] + x[o + 15]);
        return (u0 + u2) + (u1 + u3);
    }
}
