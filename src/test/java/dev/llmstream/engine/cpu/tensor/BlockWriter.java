package dev.llmstream.engine.cpu.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Test-side encoder for hand-built quantized blocks: writes bit fields one element at a time, so a
 * block can be built from chosen quants and scales and the decoders checked against the values
 * those quants and scales define. Written from the ggml struct layouts, independently of the
 * decoders under test (which read whole vectors and use other index arithmetic).
 */
final class BlockWriter {
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment seg;

    BlockWriter(MemorySegment seg) {
        this.seg = seg;
    }

    static BlockWriter zeroed(Arena arena, long bytes) {
        return new BlockWriter(arena.allocate(bytes, 64)); // Arena.allocate zero-fills
    }

    MemorySegment segment() {
        return seg;
    }

    /** Sets {@code width} bits at bit {@code shift} of byte {@code offset} to {@code value}. */
    void bits(long offset, int shift, int width, int value) {
        int mask = ((1 << width) - 1) << shift;
        int old = seg.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
        seg.set(ValueLayout.JAVA_BYTE, offset, (byte) ((old & ~mask) | ((value << shift) & mask)));
    }

    void f16(long offset, float value) {
        short h = Float.floatToFloat16(value);
        if (Float.float16ToFloat(h) != value) {
            throw new IllegalArgumentException(value + " is not an f16 value");
        }
        seg.set(F16, offset, h);
    }

    void i8(long offset, int value) {
        seg.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    /**
     * The 12-byte 6-bit scale/min block of Q4_K/Q5_K at {@code off}, inverse of ggml
     * {@code get_scale_min_k4}: sub-blocks 0..3 keep sc in the low 6 bits of byte j and m in byte j+4;
     * sub-blocks 4..7 keep the low 4 bits of sc/m in the two nibbles of byte j+4 and their top 2 bits in
     * bits 6..7 of byte j-4 (sc) and byte j (m).
     */
    void kScales(long off, int[] sc, int[] m) {
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                bits(off + j, 0, 6, sc[j]);
                bits(off + j + 4, 0, 6, m[j]);
            } else {
                bits(off + j + 4, 0, 4, sc[j] & 15);
                bits(off + j + 4, 4, 4, m[j] & 15);
                bits(off + j - 4, 6, 2, sc[j] >> 4);
                bits(off + j, 6, 2, m[j] >> 4);
            }
        }
    }

    /** A power of two in [2^-12, 2^-6]: products with small integers stay exact. */
    static float pow2Scale(SplittableRandom rnd) {
        return Math.scalb(1f, -6 - rnd.nextInt(7));
    }
}
