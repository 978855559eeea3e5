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
 * <p>A quarter of the tree ({@code x_n}) per call keeps each method small enough for C2 to hold its vectors in
 * registers: the sixteen lanes written out in one method exceeded its budget and boxed every vector (40× slower);
 * folding all sixteen through scratch cost 1.5× this. The pass is bound by loads and address arithmetic rather than
 * by its multiply-adds, so two heads of a KV group share each key load ({@link #scores16x2}): about 3 ns per
 * head and position against 6 for one head alone (in-cache microbenchmark, AVX-512). The one-head kernel stays
 * for a group's odd head: running the two-head kernel with the head passed twice made decode attention 1–4%
 * slower (both builds in one JVM, alternating rounds, 900 and 3000 positions). Three heads per call exceed C2's
 * budget and box.
 */
final class AttentionScores {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

    private AttentionScores() {}

    /**
     * Scores of head {@code qh}'s query ({@code q[qh .. qh+headDim)}) against the sixteen positions whose keys sit at
     * {@code k[kb + e·blockSize ..]} into {@code s[sc .. sc+15]}; {@code s[st .. st+63]} is scratch for the quarters.
     */
    static void scores16(float[] q, int qh, int headDim, float[] k, int kb, int blockSize, float[] s, int st, int sc,
                         float scale) {
        quarter(q, qh, headDim, k, kb, blockSize, 0, s, st);
        quarter(q, qh, headDim, k, kb, blockSize, 1, s, st + 16);
        quarter(q, qh, headDim, k, kb, blockSize, 2, s, st + 32);
        quarter(q, qh, headDim, k, kb, blockSize, 3, s, st + 48);
        fold(s, st, sc, scale);
    }

    /**
     * {@link #scores16} for two heads at once ({@code qh}, {@code qh2}; scores into {@code s[sc ..]},
     * {@code s[sc2 ..]}), each key vector loaded once for both; {@code s[st .. st+127]} is scratch.
     */
    static void scores16x2(float[] q, int qh, int qh2, int headDim, float[] k, int kb, int blockSize, float[] s,
                           int st, int sc, int sc2, float scale) {
        quarter2(q, qh, qh2, headDim, k, kb, blockSize, 0, s, st, st + 64);
        quarter2(q, qh, qh2, headDim, k, kb, blockSize, 1, s, st + 16, st + 80);
        quarter2(q, qh, qh2, headDim, k, kb, blockSize, 2, s, st + 32, st + 96);
        quarter2(q, qh, qh2, headDim, k, kb, blockSize, 3, s, st + 48, st + 112);
        fold(s, st, sc, scale);
        fold(s, st + 64, sc2, scale);
    }

    /** {@code z = (x0 + x2) + (x1 + x3)} from the quarters at {@code s[st ..]}, times {@code scale}, into {@code s[sc ..]}. */
    private static void fold(float[] s, int st, int sc, float scale) {
        FloatVector.fromArray(F, s, st).add(FloatVector.fromArray(F, s, st + 32))
                .add(FloatVector.fromArray(F, s, st + 16).add(FloatVector.fromArray(F, s, st + 48)))
                .mul(scale).intoArray(s, sc);
    }

    /**
     * {@code x_n = (v_n + v_{n+8}) + (v_{n+4} + v_{n+12})} into {@code s[o .. o+15]}, where dimension lane {@code v_i}
     * (sixteen positions) is ggml's four accumulators over dimensions {@code i + 16j + 64m}, folded
     * {@code (s0+s2)+(s1+s3)}.
     *
     * <p>The four lane blocks ({@code n}, {@code n+8}, {@code n+4}, {@code n+12}) are written out, not looped or
     * factored into a helper: a loop would carry their results in vector phis and a helper would pass vectors
     * across a call, and either is boxed when C2 defers part of the method (docs/performance.md, "Boxed kernels");
     * parking the blocks in scratch instead cost 1.5× (class comment). {@link #quarter2} repeats the shape for two
     * heads for the same reason.
     */
    private static void quarter(float[] q, int qh, int headDim, float[] k, int kb, int blockSize, int n, float[] s,
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
        FloatVector wa = va.add(vb);
        FloatVector vc;
        {
            int d = n + 4;
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
            vc = s0.add(s2).add(s1.add(s3));
        }
        FloatVector vd;
        {
            int d = n + 12;
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
            vd = s0.add(s2).add(s1.add(s3));
        }
        wa.add(vc.add(vd)).intoArray(s, o);
    }

    /** {@link #quarter} of two heads ({@code qh} into {@code s[o ..]}, {@code qh2} into {@code s[o2 ..]}) sharing each key load. */
    private static void quarter2(float[] q, int qh, int qh2, int headDim, float[] k, int kb, int blockSize, int n,
                                 float[] s, int o, int o2) {
        FloatVector va, va2;
        {
            int d = n;
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
            for (d += 64; d < headDim; d += 64) {
                k0 = FloatVector.fromArray(F, k, kb + d * blockSize);
                s0 = k0.fma(FloatVector.broadcast(F, q[qh + d]), s0);
                t0 = k0.fma(FloatVector.broadcast(F, q[qh2 + d]), t0);
                k1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize);
                s1 = k1.fma(FloatVector.broadcast(F, q[qh + d + 16]), s1);
                t1 = k1.fma(FloatVector.broadcast(F, q[qh2 + d + 16]), t1);
                k2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize);
                s2 = k2.fma(FloatVector.broadcast(F, q[qh + d + 32]), s2);
                t2 = k2.fma(FloatVector.broadcast(F, q[qh2 + d + 32]), t2);
                k3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize);
                s3 = k3.fma(FloatVector.broadcast(F, q[qh + d + 48]), s3);
                t3 = k3.fma(FloatVector.broadcast(F, q[qh2 + d + 48]), t3);
            }
            va = s0.add(s2).add(s1.add(s3));
            va2 = t0.add(t2).add(t1.add(t3));
        }
        FloatVector vb, vb2;
        {
            int d = n + 8;
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
            for (d += 64; d < headDim; d += 64) {
                k0 = FloatVector.fromArray(F, k, kb + d * blockSize);
                s0 = k0.fma(FloatVector.broadcast(F, q[qh + d]), s0);
                t0 = k0.fma(FloatVector.broadcast(F, q[qh2 + d]), t0);
                k1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize);
                s1 = k1.fma(FloatVector.broadcast(F, q[qh + d + 16]), s1);
                t1 = k1.fma(FloatVector.broadcast(F, q[qh2 + d + 16]), t1);
                k2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize);
                s2 = k2.fma(FloatVector.broadcast(F, q[qh + d + 32]), s2);
                t2 = k2.fma(FloatVector.broadcast(F, q[qh2 + d + 32]), t2);
                k3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize);
                s3 = k3.fma(FloatVector.broadcast(F, q[qh + d + 48]), s3);
                t3 = k3.fma(FloatVector.broadcast(F, q[qh2 + d + 48]), t3);
            }
            vb = s0.add(s2).add(s1.add(s3));
            vb2 = t0.add(t2).add(t1.add(t3));
        }
        FloatVector wa = va.add(vb);
        FloatVector wa2 = va2.add(vb2);
        FloatVector vc, vc2;
        {
            int d = n + 4;
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
            for (d += 64; d < headDim; d += 64) {
                k0 = FloatVector.fromArray(F, k, kb + d * blockSize);
                s0 = k0.fma(FloatVector.broadcast(F, q[qh + d]), s0);
                t0 = k0.fma(FloatVector.broadcast(F, q[qh2 + d]), t0);
                k1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize);
                s1 = k1.fma(FloatVector.broadcast(F, q[qh + d + 16]), s1);
                t1 = k1.fma(FloatVector.broadcast(F, q[qh2 + d + 16]), t1);
                k2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize);
                s2 = k2.fma(FloatVector.broadcast(F, q[qh + d + 32]), s2);
                t2 = k2.fma(FloatVector.broadcast(F, q[qh2 + d + 32]), t2);
                k3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize);
                s3 = k3.fma(FloatVector.broadcast(F, q[qh + d + 48]), s3);
                t3 = k3.fma(FloatVector.broadcast(F, q[qh2 + d + 48]), t3);
            }
            vc = s0.add(s2).add(s1.add(s3));
            vc2 = t0.add(t2).add(t1.add(t3));
        }
        FloatVector vd, vd2;
        {
            int d = n + 12;
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
            for (d += 64; d < headDim; d += 64) {
                k0 = FloatVector.fromArray(F, k, kb + d * blockSize);
                s0 = k0.fma(FloatVector.broadcast(F, q[qh + d]), s0);
                t0 = k0.fma(FloatVector.broadcast(F, q[qh2 + d]), t0);
                k1 = FloatVector.fromArray(F, k, kb + (d + 16) * blockSize);
                s1 = k1.fma(FloatVector.broadcast(F, q[qh + d + 16]), s1);
                t1 = k1.fma(FloatVector.broadcast(F, q[qh2 + d + 16]), t1);
                k2 = FloatVector.fromArray(F, k, kb + (d + 32) * blockSize);
                s2 = k2.fma(FloatVector.broadcast(F, q[qh + d + 32]), s2);
                t2 = k2.fma(FloatVector.broadcast(F, q[qh2 + d + 32]), t2);
                k3 = FloatVector.fromArray(F, k, kb + (d + 48) * blockSize);
                s3 = k3.fma(FloatVector.broadcast(F, q[qh + d + 48]), s3);
                t3 = k3.fma(FloatVector.broadcast(F, q[qh2 + d + 48]), t3);
            }
            vd = s0.add(s2).add(s1.add(s3));
            vd2 = t0.add(t2).add(t1.add(t3));
        }
        wa.add(vc.add(vd)).intoArray(s, o);
        wa2.add(vc2.add(vd2)).intoArray(s, o2);
    }
}
