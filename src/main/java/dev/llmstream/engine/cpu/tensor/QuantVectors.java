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
 * <p>x86 has no byte shift instruction; a byte-lane shift in the Vector API is emulated with several
 * widen/shift/narrow instructions. Nibble and bit-field extraction therefore shift the same bits as
 * 16-bit lanes and mask afterwards: bits that cross into the neighbouring byte always land outside
 * the mask (each helper states why).
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

    /**
     * The high nibble of each byte (0..15): a 16-bit shift right by 4 moves the high nibble of the upper
     * byte's neighbour into bits 4..7 of the lower byte, which the mask drops.
     */
    static ByteVector highNibbles(ByteVector b) {
        return b.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
    }

    /**
     * {@code ((b >>> shift) & 1) << 4} per byte, for {@code 0 <= shift < 8}: moves bit {@code shift} to
     * bit 4. As 16-bit lanes: a left shift by {@code 4 - shift} pushes at most 4 bits of the low byte into
     * bits 0..3 of the high byte; a right shift by {@code shift - 4 <= 3} pulls high-byte bits into bits
     * 5..7 of the low byte; the mask {@code 0x10} keeps neither.
     */
    static ByteVector bitTo4(ByteVector b, int shift) {
        ShortVector s = b.reinterpretAsShorts();
        s = shift <= 4 ? s.lanewise(VectorOperators.LSHL, 4 - shift) : s.lanewise(VectorOperators.LSHR, shift - 4);
        return s.reinterpretAsBytes().and((byte) 0x10);
    }

    /**
     * {@code ((b >>> 2g) & 3) << 4} per byte, for {@code g} in 0..3 (the Q6_K high bits). 16-bit left
     * shifts by 4 or 2 carry low-byte bits into bits 0..3 of the high byte and a right shift by 2 carries
     * high-byte bits into bits 6..7 of the low byte: the mask {@code 0x30} keeps neither.
     */
    static ByteVector twoBitsTo4(ByteVector b, int g) {
        ShortVector s = b.reinterpretAsShorts();
        s = switch (g) {
            case 0 -> s.lanewise(VectorOperators.LSHL, 4);
            case 1 -> s.lanewise(VectorOperators.LSHL, 2);
            case 2 -> s;
            default -> s.lanewise(VectorOperators.LSHR, 2);
        };
        return s.reinterpretAsBytes().and((byte) 0x30);
    }

    /**
     * {@code L} IEEE binary16 values to floats, bit-exact with {@link Float#float16ToFloat} (ggml
     * {@code GGML_FP16_TO_FP32}). No conversion instruction is reachable from the Vector API, so the bits
     * are rebuilt: with {@code a = |h|} and {@code t = a << 13} (mantissa in place),
     * <ul>
     *   <li>normal: {@code t + (112 << 23)} rebiases the exponent (15 to 127);</li>
     *   <li>Inf/NaN ({@code a >= 0x7c00}): another {@code 112 << 23} lifts exponent 31 to 255;</li>
     *   <li>subnormal/zero ({@code a < 0x400}): {@code t + (113 << 23)} is {@code 2^-14 + m·2^-24}; subtracting
     *       {@code 2^-14} leaves {@code m·2^-24} exactly (Sterbenz) and never creates an f32 subnormal, which
     *       would cost a microcode assist.</li>
     * </ul>
     * The sign comes from the sign-extended 16-bit value.
     */
    static FloatVector f16ToFloats(ShortVector raw) {
        IntVector h = (IntVector) raw.convertShape(VectorOperators.S2I, I, 0);
        IntVector a = h.and(0x7fff);
        IntVector bits = a.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
        bits = bits.add(112 << 23, a.compare(VectorOperators.GE, 0x7c00));
        VectorMask<Integer> sub = a.compare(VectorOperators.LT, 0x0400);
        bits = bits.add(1 << 23, sub);
        FloatVector f = bits.reinterpretAsFloats().sub(0x1p-14f, sub.cast(Lanes.F));
        return f.reinterpretAsInts().or(h.and(0x8000_0000)).reinterpretAsFloats();
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
