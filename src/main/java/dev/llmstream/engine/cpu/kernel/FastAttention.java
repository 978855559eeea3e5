package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Causal attention of one query token in fast numerics ({@code engine.numerics: fast}): plain float softmax
 * attention, {@code out_h = Σ_j softmax_j(scale · q_h·k_j) · v_j}, over one KV head's history staged as floats
 * ({@link KvStorage#stage}: keys transposed in 16-slot blocks, values by rows), for the query heads of one KV group
 * (grouped-query attention, Ainslie et al. 2023: each key and value vector is loaded once for the whole group).
 *
 * <p>Not llama.cpp's flash attention, whose F16 value accumulator ({@code acc = f16(fma(v, w, acc))} per position)
 * {@link Attention} reproduces bit for bit: there every position waits on the previous one's rounding chain (about
 * fifteen cycles per sixteen dimensions and head). Here the weights are {@code exp(s − max)} over the whole
 * history at once, by ggml's vector {@code expf} (the one its softmax uses, {@link Activations#expSub}), in two
 * passes (scores, then values; the history of one head is a few kilobytes to a few hundred, in cache), and the
 * values are summed in float with independent chains. Float accumulation is more
 * accurate than F16, and a token's result depends only on its own sequence's keys and values, so batches stay
 * invariant. Shapes: {@code headDim} a multiple of 16 with 16-lane vectors ({@link #applies}).
 */
public final class FastAttention {
    private static final int S = KvStorage.STAGE_BLOCK;
    /** Query heads one pass over the keys or values serves (four accumulator chains). */
    private static final int HEADS = 4;

    private FastAttention() {}

    /** Whether this kernel serves {@code headDim} on this machine. */
    public static boolean applies(int headDim) {
        return Lanes.L == 16 && headDim % 16 == 0;
    }

    /** Scratch floats {@link #attend} needs for {@code nPos} positions and {@code group} heads. */
    public static int scratchSize(int nPos, int group) {
        return group * padded(nPos) + S;
    }

    private static int padded(int nPos) {
        return (nPos + S - 1) / S * S;
    }

    /**
     * Heads {@code firstHead .. firstHead+group-1} of the query at {@code q[qOff + h·headDim ..]} over positions
     * {@code [0, nPos)} of the staged keys {@code k} and values {@code v}; outputs at {@code out[outOff + h·headDim ..]}.
     */
    public static void attend(float[] q, int qOff, float[] out, int outOff, int firstHead, int group, int headDim,
                              float[] k, float[] v, int nPos, float scale, float[] scratch) {
        int np = padded(nPos);
        for (int g0 = 0; g0 < group; g0 += HEADS) {
            int heads = Math.min(HEADS, group - g0);
            int q0 = qOff + (firstHead + g0) * headDim;
            for (int c = 0; c < np; c += S) {
                scores(q, q0, heads, headDim, k, c * headDim, scratch, g0 * np + c, np, scale);
            }
        }
        for (int g = 0; g < group; g++) {
            int w = g * np;
            for (int j = nPos; j < np; j++) {
                scratch[w + j] = Float.NEGATIVE_INFINITY;
            }
            FloatVector mx = FloatVector.fromArray(Lanes.F, scratch, w);
            for (int j = S; j < np; j += S) {
                mx = mx.max(FloatVector.fromArray(Lanes.F, scratch, w + j));
            }
            float m = mx.reduceLanes(VectorOperators.MAX); // a maximum does not depend on the order
            Activations.expSub(scratch, w, m, scratch, w, np);
            FloatVector sum = FloatVector.fromArray(Lanes.F, scratch, w);
            for (int j = S; j < np; j += S) {
                sum = sum.add(FloatVector.fromArray(Lanes.F, scratch, w + j));
            }
            int park = group * np;
            sum.intoArray(scratch, park);
            float inv = 1f / Lanes.sumAt(scratch, park);
            for (int j = 0; j < np; j += S) {
                FloatVector.fromArray(Lanes.F, scratch, w + j).mul(inv).intoArray(scratch, w + j);
            }
        }
        for (int g0 = 0; g0 < group; g0 += HEADS) {
            int heads = Math.min(HEADS, group - g0);
            int o = outOff + (firstHead + g0) * headDim;
            for (int d0 = 0; d0 < headDim; d0 += S) {
                values(scratch, g0 * np, np, heads, v, headDim, d0, nPos, out, o + d0);
            }
        }
    }

    /**
     * Scores of up to four heads (queries at {@code q[q0 + g·headDim ..]}) against the sixteen keys of staged block
     * at {@code k[kb ..]} (element {@code e} of the sixteen at {@code kb + 16e}), times {@code scale}, into
     * {@code s[o + g·np ..]}.
     */
    private static void scores(float[] q, int q0, int heads, int headDim, float[] k, int kb, float[] s, int o, int np,
                               float scale) {
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int q1 = q0 + headDim;
        int q2 = q0 + 2 * headDim;
        int q3 = q0 + 3 * headDim;
        for (int e = 0; e < headDim; e++) {
            FloatVector ke = FloatVector.fromArray(Lanes.F, k, kb + e * S);
            a0 = ke.fma(FloatVector.broadcast(Lanes.F, q[q0 + e]), a0);
            if (heads > 1) {
                a1 = ke.fma(FloatVector.broadcast(Lanes.F, q[q1 + e]), a1);
            }
            if (heads > 2) {
                a2 = ke.fma(FloatVector.broadcast(Lanes.F, q[q2 + e]), a2);
            }
            if (heads > 3) {
                a3 = ke.fma(FloatVector.broadcast(Lanes.F, q[q3 + e]), a3);
            }
        }
        a0.mul(scale).intoArray(s, o);
        if (heads > 1) {
            a1.mul(scale).intoArray(s, o + np);
        }
        if (heads > 2) {
            a2.mul(scale).intoArray(s, o + 2 * np);
        }
        if (heads > 3) {
            a3.mul(scale).intoArray(s, o + 3 * np);
        }
    }

    /**
     * Dimensions {@code d0 .. d0+15} of up to four heads' outputs: {@code Σ_j p_g[j] · v[j][d0 ..]} over positions
     * {@code [0, nPos)}, the weights {@code p_g} at {@code p[w + g·np ..]}; even and odd positions in separate chains,
     * added at the end. Head {@code g} into {@code out[o + g·headDim ..]}.
     */
    private static void values(float[] p, int w, int np, int heads, float[] v, int headDim, int d0, int nPos,
                               float[] out, int o) {
        FloatVector z = FloatVector.zero(Lanes.F);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
        int j = 0;
        for (; j + 1 < nPos; j += 2) {
            FloatVector va = FloatVector.fromArray(Lanes.F, v, j * headDim + d0);
            FloatVector vb = FloatVector.fromArray(Lanes.F, v, (j + 1) * headDim + d0);
            a0 = va.fma(FloatVector.broadcast(Lanes.F, p[w + j]), a0);
            b0 = vb.fma(FloatVector.broadcast(Lanes.F, p[w + j + 1]), b0);
            if (heads > 1) {
                a1 = va.fma(FloatVector.broadcast(Lanes.F, p[w + np + j]), a1);
                b1 = vb.fma(FloatVector.broadcast(Lanes.F, p[w + np + j + 1]), b1);
            }
            if (heads > 2) {
                a2 = va.fma(FloatVector.broadcast(Lanes.F, p[w + 2 * np + j]), a2);
                b2 = vb.fma(FloatVector.broadcast(Lanes.F, p[w + 2 * np + j + 1]), b2);
            }
            if (heads > 3) {
                a3 = va.fma(FloatVector.broadcast(Lanes.F, p[w + 3 * np + j]), a3);
                b3 = vb.fma(FloatVector.broadcast(Lanes.F, p[w + 3 * np + j + 1]), b3);
            }
        }
        if (j < nPos) {
            FloatVector va = FloatVector.fromArray(Lanes.F, v, j * headDim + d0);
            a0 = va.fma(FloatVector.broadcast(Lanes.F, p[w + j]), a0);
            if (heads > 1) {
                a1 = va.fma(FloatVector.broadcast(Lanes.F, p[w + np + j]), a1);
            }
            if (heads > 2) {
                a2 = va.fma(FloatVector.broadcast(Lanes.F, p[w + 2 * np + j]), a2);
            }
            if (heads > 3) {
                a3 = va.fma(FloatVector.broadcast(Lanes.F, p[w + 3 * np + j]), a3);
            }
        }
        a0.add(b0).intoArray(out, o);
        if (heads > 1) {
            a1.add(b1).intoArray(out, o + headDim);
        }
        if (heads > 2) {
            a2.add(b2).intoArray(out, o + 2 * headDim);
        }
        if (heads > 3) {
            a3.add(b3).intoArray(out, o + 3 * headDim);
        }
    }
}
