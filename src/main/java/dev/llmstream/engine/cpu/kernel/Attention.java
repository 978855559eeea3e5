package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.kv.KvStorage;
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
 * A query alone in its micro-batch (decode) over a padded KV length of at least {@link #SPLIT_MIN_KV} takes
 * ggml's split-KV path instead: the loop above runs separately over each reference thread's share of the
 * padded range and the partial {@code (M, S, acc)} are merged in order ({@code ggml_flash_attn_ext_reduce_partials});
 * micro-batches of 64 tokens or more use {@link TiledAttention}. The query heads sharing one KV head (grouped-query attention, Ainslie et al. 2023) are processed
 * together so each K/V row is read once. KV layout: a float cache in paged blocks ({@link KvStorage#keyOffset},
 * {@link KvStorage#valueRows}; the forward pass hands over a {@link KvStorage#stage staged} copy of one head): V at
 * {@code vCache[(block · blockSize + slot) · kvDim + kvHead · headDim + d]}, K transposed within the block at
 * {@code kCache[(block · kvDim + kvHead · headDim + d) · blockSize + slot]}; position {@code j} of a sequence
 * is slot {@code j % blockSize} of block {@code blockTable[j / blockSize]}.
 */
public final class Attention {
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final boolean HAS_512 = Lanes.L == 16;
    private static final ThreadLocal<float[]> PARK = ThreadLocal.withInitial(() -> new float[16]);
    /** llama.cpp pads the KV length it attends over to a multiple of this ({@code llama_kv_cache::get_n_kv}). */
    static final int KV_PAD = 256;
    /** A lone query over a padded KV length of at least this takes the split-KV path. */
    static final int SPLIT_MIN_KV = 512;
    /** Threads of the reference runs (llama-server {@code -t 2}): the split path gives each a share of KV. */
    static final int REFERENCE_THREADS = 2;

    private Attention() {}

    /**
     * @param q         queries, head {@code h} at {@code q[qOff + h·headDim]} (F16 values)
     * @param out       output, same layout as {@code q}
     * @param firstHead first query head of the group
     * @param group     query heads per KV head
     * @param kvHead    the KV head they share
     * @param nPos      attend to positions {@code [0, nPos)}
     * @param split     the query is alone in its micro-batch: llama.cpp splits long KV ranges (see
     *                  {@link #SPLIT_MIN_KV})
     * @param scratch   at least {@link #scratchSize} floats
     */
    public static void attend(float[] q, int qOff, float[] out, int outOff, int firstHead, int group, int kvHead,
                              int headDim, float[] kCache, float[] vCache, int kvDim, int[] blockTable,
                              int blockSize, int nPos, float scale, boolean split, float[] scratch) {
        attend(q, qOff, out, outOff, firstHead, group, kvHead, headDim, kCache, vCache, kvDim, blockTable, blockSize,
                nPos, scale, split, scratch, true);
    }

    /** {@link #attend}; {@code passes} false keeps the plain loop everywhere (the reference in tests). */
    static void attend(float[] q, int qOff, float[] out, int outOff, int firstHead, int group, int kvHead,
                       int headDim, float[] kCache, float[] vCache, int kvDim, int[] blockTable,
                       int blockSize, int nPos, float scale, boolean split, float[] scratch, boolean passes) {
        int nKv = paddedKv(nPos);
        if (!split || nKv < SPLIT_MIN_KV) {
            chunk(q, qOff, firstHead, group, kvHead, headDim, kCache, vCache, kvDim, blockTable, blockSize, 0, nPos,
                    scale, scratch, 0, passes);
            normalize(scratch, 0, group, headDim, out, outOff + firstHead * headDim);
            return;
        }
        // ggml_compute_forward_flash_attn_ext_f16, split-KV path: each of the reference's threads runs the
        // one-query loop over its share of the padded KV range, then the partial (M, S, V) are merged in order
        int half = (nKv + REFERENCE_THREADS - 1) / REFERENCE_THREADS;
        int b = group * (headDim + 2);
        chunk(q, qOff, firstHead, group, kvHead, headDim, kCache, vCache, kvDim, blockTable, blockSize, 0, half,
                scale, scratch, 0, passes);
        chunk(q, qOff, firstHead, group, kvHead, headDim, kCache, vCache, kvDim, blockTable, blockSize, half, nPos,
                scale, scratch, b, passes);
        mergeHalves(scratch, 0, b, group, headDim, out, outOff + firstHead * headDim);
    }

    /**
     * {@link #attend} for {@code count} consecutive tokens of one sequence, each alone in its micro-batch in the
     * reference (decode, speculative verify: {@code split} true) or all in one ({@code split} false): token
     * {@code j} at position {@code nPos0 − 1 + j}, its queries at {@code q[qOff + j·stride ..]} and outputs at
     * {@code out[outOff + j·stride ..]}. The tokens share the passes over keys and values
     * ({@link AttentionPasses#chunkBlock}), so the history is read once per block rather than per token; per token
     * the operations, and so the bits, are {@link #attend}'s. Tokens whose padded KV lengths differ (a block
     * across a multiple of {@link #KV_PAD}) and shapes {@link AttentionPasses} does not serve go one at a time.
     *
     * @param scratch at least {@link #blockScratchSize} floats
     */
    public static void attendBlock(float[] q, int qOff, int stride, float[] out, int outOff, int count, int nPos0,
                                   int firstHead, int group, int kvHead, int headDim, float[] kCache,
                                   float[] vCache, int kvDim, int[] blockTable, int blockSize, float scale,
                                   boolean split, float[] scratch) {
        int nKv = paddedKv(nPos0);
        if (!AttentionPasses.applies(headDim, blockSize) || paddedKv(nPos0 + count - 1) != nKv) {
            for (int j = 0; j < count; j++) {
                attend(q, qOff + j * stride, out, outOff + j * stride, firstHead, group, kvHead, headDim, kCache,
                        vCache, kvDim, blockTable, blockSize, nPos0 + j, scale, split, scratch);
            }
            return;
        }
        int b = group * (headDim + 2);
        int work = count * 2 * b;
        int heads = firstHead * headDim;
        if (!split || nKv < SPLIT_MIN_KV) {
            AttentionPasses.chunkBlock(q, qOff, stride, count, firstHead, group, kvHead, headDim, kCache, vCache, kvDim,
                    blockTable, blockSize, 0, nPos0, 1, scale, scratch, 0, 2 * b, work);
            for (int j = 0; j < count; j++) {
                normalize(scratch, j * 2 * b, group, headDim, out, outOff + j * stride + heads);
            }
            return;
        }
        int half = (nKv + REFERENCE_THREADS - 1) / REFERENCE_THREADS;
        AttentionPasses.chunkBlock(q, qOff, stride, count, firstHead, group, kvHead, headDim, kCache, vCache, kvDim,
                blockTable, blockSize, 0, half, 0, scale, scratch, 0, 2 * b, work);
        AttentionPasses.chunkBlock(q, qOff, stride, count, firstHead, group, kvHead, headDim, kCache, vCache, kvDim,
                blockTable, blockSize, half, nPos0, 1, scale, scratch, b, 2 * b, work);
        for (int j = 0; j < count; j++) {
            mergeHalves(scratch, j * 2 * b, j * 2 * b + b, group, headDim, out, outOff + j * stride + heads);
        }
    }

    /** Scratch floats {@link #attendBlock} needs for blocks of up to {@code count} tokens. */
    public static int blockScratchSize(int count, int group, int headDim) {
        return count * 2 * group * (headDim + 2) + Math.max(AttentionPasses.WORK, headDim);
    }

    /** The KV length llama.cpp attends over for {@code nPos} positions. */
    private static int paddedKv(int nPos) {
        return Math.max(KV_PAD, (nPos + KV_PAD - 1) / KV_PAD * KV_PAD);
    }

    /** One range's heads ({@link #chunk} state at {@code base}) divided by their sums into {@code out[o ..]}. */
    private static void normalize(float[] scratch, int base, int group, int headDim, float[] out, int o) {
        for (int g = 0; g < group; g++) {
            float sum = scratch[base + group * headDim + g];
            float inv = sum == 0f ? 0f : 1f / sum;
            int acc = base + g * headDim;
            for (int d = 0; d < headDim; d++) {
                out[o + g * headDim + d] = scratch[acc + d] * inv;
            }
        }
    }

    /**
     * The split path's two partial states (at {@code b0} then {@code b1}) merged in order, as
     * {@code ggml_flash_attn_ext_reduce_partials} does, into {@code out[o ..]}.
     */
    private static void mergeHalves(float[] scratch, int b0, int b1, int group, int headDim, float[] out, int o) {
        for (int g = 0; g < group; g++) {
            float mFinal = Float.NEGATIVE_INFINITY;
            float sFinal = 0f;
            int og = o + g * headDim;
            java.util.Arrays.fill(out, og, og + headDim, 0f);
            for (int c = 0; c < 2; c++) {
                int base = c == 0 ? b0 : b1;
                float sc = scratch[base + group * headDim + g];
                float mc = scratch[base + group * headDim + group + g];
                if (sc == 0f) {
                    continue;
                }
                float mNew = Math.max(mFinal, mc);
                float scaleOld = LibmExpf.expf(mFinal - mNew);
                float scaleNew = LibmExpf.expf(mc - mNew);
                int acc = base + g * headDim;
                for (int d = 0; d < headDim; d++) {
                    out[og + d] = merge(out[og + d], scaleOld, scratch[acc + d], scaleNew);
                }
                sFinal = merge(sFinal, scaleOld, sc, scaleNew);
                mFinal = mNew;
            }
            if (sFinal != 0f) {
                float inv = 1f / sFinal;
                for (int d = 0; d < headDim; d++) {
                    out[og + d] *= inv;
                }
            }
        }
    }

    /**
     * {@code a·sa + b·sb} as {@code ggml_flash_attn_ext_reduce_partials} is compiled: the second product
     * rounded, the first fused into the add.
     */
    private static float merge(float a, float sa, float b, float sb) {
        return Math.fma(a, sa, b * sb);
    }

    /** Floats of scratch {@link #attend} needs. */
    public static int scratchSize(int group, int headDim) {
        return 2 * group * (headDim + 2) + Math.max(AttentionPasses.WORK, headDim);
    }

    /**
     * The one-query loop over positions {@code [from, to)}: accumulators {@code scratch[base + g·headDim ..]},
     * sums {@code S} at {@code base + group·headDim + g}, maxima {@code M} after them.
     */
    private static void chunk(float[] q, int qOff, int firstHead, int group, int kvHead, int headDim,
                              float[] kCache, float[] vCache, int kvDim, int[] blockTable, int blockSize, int from,
                              int to, float scale, float[] scratch, int base, boolean passes) {
        if (passes && AttentionPasses.applies(headDim, blockSize)) {
            AttentionPasses.chunk(q, qOff, firstHead, group, kvHead, headDim, kCache, vCache, kvDim, blockTable,
                    blockSize, from, to, scale, scratch, base, 2 * group * (headDim + 2));
            return;
        }
        plainChunk(q, qOff, firstHead, group, kvHead, headDim, kCache, vCache, kvDim, blockTable, blockSize, from, to,
                scale, scratch, base, 2 * group * (headDim + 2));
    }

    /** The loop as ggml writes it, position by position; the reference {@link AttentionPasses} is tested against. */
    static void plainChunk(float[] q, int qOff, int firstHead, int group, int kvHead, int headDim,
                           float[] kCache, float[] vCache, int kvDim, int[] blockTable, int blockSize, int from,
                           int to, float scale, float[] scratch, int base, int keyBuf) {
        int kvOff = kvHead * headDim;
        int sumOff = base + group * headDim;   // S per head
        int maxOff = sumOff + group;           // M per head
        java.util.Arrays.fill(scratch, base, sumOff + group, 0f);
        java.util.Arrays.fill(scratch, maxOff, maxOff + group, Float.NEGATIVE_INFINITY);
        // walk the sequence's blocks in position order (one division per block, not per position)
        for (int j = from, b = from / blockSize; j < to; b++) {
            int blockBase = blockTable[b] * blockSize;
            int end = Math.min(to, (b + 1) * blockSize);
            for (int slot = j - b * blockSize; j < end; j++, slot++) {
                int row = (blockBase + slot) * kvDim + kvOff;
                // the key, gathered from its block's transposed layout (KvStorage)
                for (int d = 0, o = KvStorage.keyOffset(blockTable[b], slot, kvOff, kvDim, blockSize); d < headDim;
                     d++, o += blockSize) {
                    scratch[keyBuf + d] = kCache[o];
                }
                for (int g = 0; g < group; g++) {
                    int qh = qOff + (firstHead + g) * headDim;
                    int acc = base + g * headDim;
                    float s = dotF16(q, qh, scratch, keyBuf, headDim) * scale;
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
