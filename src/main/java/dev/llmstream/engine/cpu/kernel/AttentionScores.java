package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The scores pass of {@link AttentionPasses}: {@code (q·k)·scale} of sixteen positions at once from a KV block's
 * transposed keys ({@link KvStorage}: element {@code e} of the keys at slots {@code 0..blockSize-1} side by side),
 * for one head or two heads of a KV group.
 *
 * <p>Each score is formed as ggml's {@code vec_dot_f16} on AVX-512 forms it for one key: dimension lane {@code i} of
 * four 16-lane accumulators collects dimensions {@code i, i+16, i+32, i+48} (+64 per further step), the
 * accumulators are folded {@code (s0+s2)+(s1+s3)} and the sixteen dimension lanes reduced as {@link Lanes#sumAt}
 * does: {@code z = (x0 + x2) + (x1 + x3)} with {@code x_n = (v_n + v_{n+8}) + (v_{n+4} + v_{n+12})}. Here the vector
 * lanes run over positions, so each of those steps is one element-wise operation on sixteen positions at once and
 * there is no horizontal reduction at all.
 *
 * <p>The kernels are cut to C2's size: each parses to at most about 12 000 nodes, below the 18 000 past which C2
 * inlines the remaining Vector API calls late and a loop-carried vector can lose its exact class and be boxed
 * (docs/performance.md, "Boxed kernels"). One head: two dimension lanes per call, {@code v_n + v_{n+8}}
 * ({@link #half}); two heads of a KV group sharing each key load (the pass is bound by loads and address
 * arithmetic, not by its multiply-adds): one dimension lane per call ({@link #lane2}). Partial sums go through
 * scratch and {@link #fold} finishes the tree with the same additions in the same order.
 */
final class AttentionScores {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    /** Scratch floats a {@link #scores16x2} call needs (sixteen lanes of sixteen positions, two heads). */
    static final int SCRATCH = 512;

    private AttentionScores() {}

    /**
     * Scores of head {@code qh}'s query ({@code q[qh .. qh+headDim)}) against the sixteen positions whose keys sit at
     * {@code k[kb + e·blockSize ..]} into {@code s[sc .. sc+15]}; {@code s[st .. st+127]} is scratch.
     */
    static void scores16(float[] q, int qh, int headDim, float[] k, int kb, int blockSize, float[] s, int st, int sc,
                         float scale) {
        for (int n = 0; n < 8; n++) {
            half(q, qh, headDim, k, kb, blockSize, n, s, st + 16 * n);
        }
        fold(s, st, sc, scale);
    }

    /**
     * {@link #scores16} for two heads at once ({@code qh}, {@code qh2}; scores into {@code s[sc ..]},
     * {@code s[sc2 ..]}), each key vector loaded once for both; {@code s[st .. st+SCRATCH)} is scratch.
     */
    static void scores16x2(float[] q, int qh, int qh2, int headDim, float[] k, int kb, int blockSize, float[] s,
                           int st, int sc, int sc2, float scale) {
        for (int d = 0; d < 16; d++) {
            lane2(q, qh, qh2, headDim, k, kb, blockSize, d, s, st + 16 * d, st + 256 + 16 * d);
        }
        pairUp(s, st);
        pairUp(s, st + 256);
        fold(s, st, sc, scale);
        fold(s, st + 256, sc2, scale);
    }

    /** {@code w_n = v_n + v_{n+8}} for {@code n = 0..7}, from the sixteen lanes at {@code s[st + 16d]}, into {@code s[st + 16n]}. */
    private static void pairUp(float[] s, int st) {
        for (int n = 0; n < 8; n++) {
            FloatVector.fromArray(F, s, st + 16 * n).add(FloatVector.fromArray(F, s, st + 16 * (n + 8)))
                    .intoArray(s, st + 16 * n);
        }
    }

    /**
     * {@code z = (x0 + x2) + (x1 + x3)} with {@code x_n = w_n + w_{n+4}}, the {@code w_n} at {@code s[st + 16n]},
     * times {@code scale}, into {@code s[sc ..]}.
     */
    private static void fold(float[] s, int st, int sc, float scale) {
        FloatVector x0 = FloatVector.fromArray(F, s, st).add(FloatVector.fromArray(F, s, st + 64));
        FloatVector x1 = FloatVector.fromArray(F, s, st + 16).add(FloatVector.fromArray(F, s, st + 80));
        FloatVector x2 = FloatVector.fromArray(F, s, st + 32).add(FloatVector.fromArray(F, s, st + 96));
        FloatVector x3 = FloatVector.fromArray(F, s, st + 48).add(FloatVector.fromArray(F, s, st + 112));
        x0.add(x2).add(x1.add(x3)).mul(scale).intoArray(s, sc);
    }

    /**
     * {@code w_n = v_n + v_{n+8}} into {@code s[o .. o+15]}, where dimension lane {@code v_i} (sixteen positions) is
     * ggml's four accumulators over dimensions {@code i + 16j + 64m}, folded {@code (s0+s2)+(s1+s3)}. The two lane
     * blocks are written out: a loop would carry their results in vector phis.
     */
    private static void half(float[] q, int qh, int headDim, float[] k, int kb, int blockSize, int n, float[] s,
                             int o) {
        FloatVector va;
        {
            int d = n;
            FloatVector z = FloatVector.zero(F);
            FloatVector s0 = FloatVector.fromArray(F, k, kb + d * blockSize).fma(FloatVector.broadcast(F, q[qh + d]), z);
            FloatVector s1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 16]), z);
            FloatVector s2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 32]), z);
            FloatVector s3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 48]), z);
            for (d += 64; d < headDim; d += 64) {
                s0 = FloatVector.fromArray(F, k, kb + d * blockSize).fma(FloatVector.broadcast(F, q[qh + d]), s0);
                s1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 16]), s1);
                s2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 32]), s2);
                s3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 48]), s3);
            }
            va = s0.add(s2).add(s1.add(s3));
        }
        FloatVector vb;
        {
            int d = n + 8;
            FloatVector z = FloatVector.zero(F);
            FloatVector s0 = FloatVector.fromArray(F, k, kb + d * blockSize).fma(FloatVector.broadcast(F, q[qh + d]), z);
            FloatVector s1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 16]), z);
            FloatVector s2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 32]), z);
            FloatVector s3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 48]), z);
            for (d += 64; d < headDim; d += 64) {
                s0 = FloatVector.fromArray(F, k, kb + d * blockSize).fma(FloatVector.broadcast(F, q[qh + d]), s0);
                s1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 16]), s1);
                s2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 32]), s2);
                s3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize).fma(FloatVector.broadcast(F, q[qh + d + 48]), s3);
            }
            vb = s0.add(s2).add(s1.add(s3));
        }
        va.add(vb).intoArray(s, o);
    }

    /** Dimension lane {@code v_d} of two heads ({@code qh} into {@code s[o ..]}, {@code qh2} into {@code s[o2 ..]}) sharing each key load. */
    private static void lane2(float[] q, int qh, int qh2, int headDim, float[] k, int kb, int blockSize, int d,
                              float[] s, int o, int o2) {
        FloatVector z = FloatVector.zero(F);
        FloatVector k0 = FloatVector.fromArray(F, k, kb + d * blockSize);
        FloatVector s0 = k0.fma(FloatVector.broadcast(F, q[qh + d]), z);
        FloatVector t0 = k0.fma(FloatVector.broadcast(F, q[qh2 + d]), z);
        FloatVector k1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize);
        FloatVector s1 = k1.fma(FloatVector.broadcast(F, q[qh + d + 16]), z);
        FloatVector t1 = k1.fma(FloatVector.broadcast(F, q[qh2 + d + 16]), z);
        FloatVector k2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize);
        FloatVector s2 = k2.fma(FloatVector.broadcast(F, q[qh + d + 32]), z);
        FloatVector t2 = k2.fma(FloatVector.broadcast(F, q[qh2 + d + 32]), z);
        FloatVector k3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize);
        FloatVector s3 = k3.fma(FloatVector.broadcast(F, q[qh + d + 48]), z);
        FloatVector t3 = k3.fma(FloatVector.broadcast(F, q[qh2 + d + 48]), z);
        for (int e = d + 64; e < headDim; e += 64) {
            k0 = FloatVector.fromArray(F, k, kb + e * blockSize);
            s0 = k0.fma(FloatVector.broadcast(F, q[qh + e]), s0);
            t0 = k0.fma(FloatVector.broadcast(F, q[qh2 + e]), t0);
            k1 = FloatVector.fromArray(F, k, kb + (e + 16) * blockSize);
            s1 = k1.fma(FloatVector.broadcast(F, q[qh + e + 16]), s1);
            t1 = k1.fma(FloatVector.broadcast(F, q[qh2 + e + 16]), t1);
            k2 = FloatVector.fromArray(F, k, kb + (e + 32) * blockSize);
            s2 = k2.fma(FloatVector.broadcast(F, q[qh + e + 32]), s2);
            t2 = k2.fma(FloatVector.broadcast(F, q[qh2 + e + 32]), t2);
            k3 = FloatVector.fromArray(F, k, kb + (e + 48) * blockSize);
            s3 = k3.fma(FloatVector.broadcast(F, q[qh + e + 48]), s3);
            t3 = k3.fma(FloatVector.broadcast(F, q[qh2 + e + 48]), t3);
        }
        s0.add(s2).add(s1.add(s3)).intoArray(s, o);
        t0.add(t2).add(t1.add(t3)).intoArray(s, o2);
    }
}
