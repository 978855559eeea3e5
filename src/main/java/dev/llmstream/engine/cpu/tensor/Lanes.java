package dev.llmstream.engine.cpu.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shape every kernel uses, and the one way partial sums are folded.
 *
 * <p><b>Canonical dot product.</b> Every matmul kernel (vector or scalar, fused or via a dequantized
 * strip, for 1 token or 512) computes {@code dot(w, x)} the same way: {@code L} lane accumulators,
 * element {@code k} goes to lane {@code k mod L} through {@code acc = fma(w[k], x[k], acc)} in
 * increasing {@code k}, then the lanes are folded by {@link #sum} in a fixed pairwise order. Dequantized
 * weights are computed by the same float operations everywhere. Hence a row's result is bit-identical
 * whatever the batch composition, tile shape or thread — which the batching engine relies on (a
 * request's greedy output must not depend on who else is in the batch). {@code reduceLanes} is avoided
 * because its order is unspecified and differs between the interpreter and C2.
 */
public final class Lanes {
    /** The preferred float species of this CPU (16 lanes with AVX-512, 8 with AVX2). */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Number of float lanes. */
    public static final int L = F.length();

    /** Shuffles that move lane {@code i + L/2^(s+1)} onto lane {@code i}, for the halving fold. */
    private static final VectorShuffle<Float>[] FOLD = foldShuffles();

    private Lanes() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] foldShuffles() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] out = new VectorShuffle[steps];
        for (int s = 0, half = L / 2; s < steps; s++, half /= 2) {
            final int h = half;
            out[s] = VectorShuffle.fromOp(F, i -> (i + h) % L);
        }
        return out;
    }

    /**
     * Folds the lanes of {@code acc} in the same pairwise order as {@link #sum(float[], int)}:
     * lane i += lane i+L/2, then i += i+L/4, ... (exact same additions, so the same bits).
     */
    public static float sum(FloatVector acc) {
        FloatVector v = acc;
        for (VectorShuffle<Float> sh : FOLD) {
            v = v.add(v.rearrange(sh));
        }
        return v.lane(0);
    }

    /** Folds {@code L} lane values at {@code a[off..off+L)} in a fixed pairwise order. */
    public static float sum(float[] a, int off) {
        // Pairwise tree over up to 16 lanes; lanes beyond L (narrower species) are not read.
        switch (L) {
            case 16 -> {
                float s0 = (a[off] + a[off + 8]) + (a[off + 4] + a[off + 12]);
                float s1 = (a[off + 1] + a[off + 9]) + (a[off + 5] + a[off + 13]);
                float s2 = (a[off + 2] + a[off + 10]) + (a[off + 6] + a[off + 14]);
                float s3 = (a[off + 3] + a[off + 11]) + (a[off + 7] + a[off + 15]);
                return (s0 + s2) + (s1 + s3);
            }
            case 8 -> {
                float s0 = a[off] + a[off + 4];
                float s1 = a[off + 1] + a[off + 5];
                float s2 = a[off + 2] + a[off + 6];
                float s3 = a[off + 3] + a[off + 7];
                return (s0 + s2) + (s1 + s3);
            }
            default -> {
                float[] t = java.util.Arrays.copyOfRange(a, off, off + L);
                for (int half = L / 2; half >= 1; half /= 2) {
                    for (int i = 0; i < half; i++) {
                        t[i] = t[i] + t[i + half];
                    }
                }
                return t[0];
            }
        }
    }

}
