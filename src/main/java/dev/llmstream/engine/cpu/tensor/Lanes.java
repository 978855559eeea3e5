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

    /**
     * Shuffles moving lane {@code i + h} onto lane {@code i} ({@code h} = 8, 4, 2, 1), for the halving
     * fold. Separate constants, not an array: C2 only turns {@code rearrange} into a single permute
     * when the shuffle is a constant.
     */
    private static final VectorShuffle<Float> BY8 = rotation(8);
    private static final VectorShuffle<Float> BY4 = rotation(4);
    private static final VectorShuffle<Float> BY2 = rotation(2);
    private static final VectorShuffle<Float> BY1 = rotation(1);

    static {
        if (L != 4 && L != 8 && L != 16) {
            throw new ExceptionInInitializerError("unsupported float vector length " + L);
        }
    }

    private Lanes() {}

    private static VectorShuffle<Float> rotation(int h) {
        return VectorShuffle.fromOp(F, i -> (i + Math.min(h, L / 2)) % L);
    }

    /**
     * Folds the lanes of {@code acc} in the same pairwise order as {@link #sum(float[], int)}:
     * lane i += lane i+L/2, then i += i+L/4, ... (exact same additions, so the same bits).
     *
     * <p>Hot kernels use {@link #sumAt} instead: passing a vector to a method C2 does not inline boxes
     * it. This one is kept as a chain of tiny methods so that it is inlined wherever it can be (C2
     * inlines a call site outside a hot loop only up to {@code MaxInlineSize}, 35 bytes; the one-piece
     * 47-byte fold was not, and cost about 60 ns per row result when the kernels still used it).
     */
    public static float sum(FloatVector acc) {
        return fold1(fold2(fold4(fold8(acc)))).lane(0);
    }

    /**
     * {@link #sum(FloatVector)} of the {@code L} floats at {@code a[off..]}: for kernels that park their
     * accumulators in an array. A kernel method with many Vector API calls exceeds C2's inlining node
     * budget ({@code NodeCountInliningCutoff}); calls parsed after that are not inlined, and a vector
     * passed to such a call is boxed on the heap (it was: one box per output element of the strip
     * tile). Storing the accumulators and folding through this method, which takes only an array,
     * allocates nothing whether or not it is inlined. Same lanes, same additions, same bits.
     */
    public static float sumAt(float[] a, int off) {
        // Written out, not via the fold helpers: if this method is inlined into a kernel that has used
        // up its budget, calls to our own helpers would not be, and would box again. Vector API
        // methods are force-inlined regardless.
        FloatVector v = FloatVector.fromArray(F, a, off);
        if (L >= 16) {
            v = v.add(v.rearrange(BY8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(BY4));
        }
        v = v.add(v.rearrange(BY2));
        return v.add(v.rearrange(BY1)).lane(0);
    }

    private static FloatVector fold8(FloatVector v) {
        return L >= 16 ? v.add(v.rearrange(BY8)) : v;
    }

    private static FloatVector fold4(FloatVector v) {
        return L >= 8 ? v.add(v.rearrange(BY4)) : v;
    }

    private static FloatVector fold2(FloatVector v) {
        return v.add(v.rearrange(BY2));
    }

    private static FloatVector fold1(FloatVector v) {
        return v.add(v.rearrange(BY1));
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
