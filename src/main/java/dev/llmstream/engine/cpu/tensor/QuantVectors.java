package dev.llmstream.engine.cpu.tensor;

import java.nio.ByteOrder;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes the quantized formats read packed weights with, and the rules their kernels follow.
 * {@code L} bytes ({@link #B}) or shorts ({@link #S}) widen to exactly one {@link Lanes#F} float vector,
 * lane {@code i} = value {@code i}: the canonical lane order. Unpacking is exact integer work or an
 * exact conversion, so a format's weight formula is the only rounding step, as in its scalar twin.
 *
 * <p>Rules, each learnt from a measured failure (numbers are G weights/s per CPU second, in cache):
 * <ul>
 *   <li><b>No method of ours takes or returns a vector in a hot path.</b> Vector API methods are
 *       force-inlined; our helpers only within C2's size and node budgets ({@code MaxInlineSize},
 *       {@code NodeCountInliningCutoff}). A vector crossing a call that C2 did not inline is boxed on
 *       the heap: the register-fused Q4_K decoder allocated 6 bytes per weight and ran at 0.6; helper
 *       free it runs at about 5. Whether a helper is inlined depends on the whole compilation (a
 *       second format in the same JVM was enough to tip it), so kernels write their Vector API calls
 *       out and fold accumulators through {@link Lanes#sumAt}. {@code ZeroAllocationTest} checks it.</li>
 *   <li><b>No vector chosen by a condition</b> ({@code high ? a : b}) that C2 may not fold: same
 *       boxing. Shift counts carry the choice instead ({@code (b >>> 4h) & 0xF}).</li>
 *   <li><b>Byte-lane shifts, not 16-bit reinterprets.</b> C2 intrinsifies byte {@code LSHR/LSHL},
 *       {@code and/or}, {@code B2F} and {@code S2I}; it does not intrinsify
 *       {@code reinterpretAsShorts()} of a 128-bit byte vector (the fallback goes through memory):
 *       Q4_0 decoding via 16-bit shifts ran at 1.2 instead of 9.4.</li>
 * </ul>
 */
final class QuantVectors {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** {@code L} bytes: widening them gives one float vector. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Lanes.L * 8));
    /** {@code L} shorts (f16 / bf16 values). */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(Lanes.L * 16));
    /** Ints of the float shape (for bit manipulation of floats). */
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, Lanes.F.vectorShape());

    static {
        // The quantized layouts interleave 16- and 32-element groups; vectors of 8 or 16 floats (AVX2,
        // AVX-512) tile those groups exactly. Narrower/wider shapes would need other kernels.
        if (Lanes.L != 8 && Lanes.L != 16) {
            throw new ExceptionInInitializerError("quantized kernels need 8 or 16 float lanes, not " + Lanes.L);
        }
    }

    private QuantVectors() {}
}
