package dev.llmstream.engine.cpu.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector building blocks shared by the quantized formats: load {@code L} packed values and widen them
 * to one {@link Lanes#F} float vector (lane {@code i} = value {@code i}, the canonical lane order).
 *
 * <p>Everything here is exact integer work or an exact conversion, so a format's weight formula
 * applied afterwards is the only rounding step, identical to the scalar twin's.
 *
 * <p>Measured, not assumed: C2 intrinsifies byte-lane shifts, {@code and}/{@code or}, {@code B2F} and
 * {@code S2I} conversions and masked lane-wise integer ops. It does <em>not</em> intrinsify
 * {@code reinterpretAsShorts()} of a 128-bit byte vector (the fallback goes through memory): a first
 * version that shifted nibbles as 16-bit lanes ran Q4_0 decode at 1.2 G weights/s instead of 9.4.
 * Casting a mask between element types is avoided for the same reason.
 */
final class QuantVectors {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
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

    static ByteVector bytes(MemorySegment seg, long offset) {
        return ByteVector.fromMemorySegment(B, seg, offset, LE);
    }

    /** Signed bytes to floats (exact). */
    static FloatVector toFloats(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, Lanes.F, 0);
    }

    /** The low nibble of each byte (0..15). */
    static ByteVector lowNibbles(ByteVector b) {
        return b.and((byte) 0x0F);
    }

    /** The high nibble of each byte (0..15); a byte {@code LSHR} shifts the unsigned byte value. */
    static ByteVector highNibbles(ByteVector b) {
        return b.lanewise(VectorOperators.LSHR, 4);
    }

    /**
     * {@code ((b >>> shift) & 1) << 4} per byte, for {@code 0 <= shift < 8}: bit {@code shift} moved to
     * bit 4. Branch-free on purpose: a vector chosen by a condition that C2 cannot fold is boxed.
     */
    static ByteVector bitTo4(ByteVector b, int shift) {
        return b.lanewise(VectorOperators.LSHR, shift).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
    }

    /** {@code L} bfloat16 values to floats: the 16 bits are the high half of the float (exact). */
    static FloatVector bf16ToFloats(ShortVector raw) {
        return ((IntVector) raw.convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static ShortVector shorts(MemorySegment seg, long offset) {
        return ShortVector.fromMemorySegment(S, seg, offset, LE);
    }

    /** Masked load: inactive lanes read as 0 (+0.0 in both 16-bit formats). */
    static ShortVector shorts(MemorySegment seg, long offset, VectorMask<Short> m) {
        return ShortVector.fromMemorySegment(S, seg, offset, LE, m);
    }
}
