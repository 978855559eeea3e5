package dev.llmstream.engine.cpu.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 12-byte scale/min block shared by Q4_K and Q5_K (ggml {@code get_scale_min_k4} in
 * ggml-quants.c): eight 6-bit scales {@code sc[j]} and eight 6-bit mins {@code m[j]}, one pair per
 * sub-block of 32 weights.
 * <pre>
 *   j = 0..3:  sc[j] = b[j]   &amp; 63                  m[j] = b[j+4] &amp; 63
 *   j = 4..7:  sc[j] = (b[j+4] &amp; 15) | (b[j-4] &gt;&gt; 6) &lt;&lt; 4
 *              m[j]  = (b[j+4] &gt;&gt; 4) | (b[j]   &gt;&gt; 6) &lt;&lt; 4
 * </pre>
 * The sub-block weights are {@code w = (d·sc[j])·q − (dmin·m[j])}; both products are exact in float32
 * (11-bit f16 significand times a 6-bit integer), so only the final FMA rounds — in every path.
 */
final class KScales {
    /** Bytes of packed scales and mins. */
    static final int BYTES = 12;
    private static final ValueLayout.OfInt I32_LE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private KScales() {}

    private static int u8(MemorySegment seg, long offset) {
        return seg.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    private static int u32(MemorySegment seg, long offset) {
        return seg.get(I32_LE, offset);
    }

    /**
     * All eight scales at once, {@code sc[j]} in byte {@code j} of the result: the same bit moves as
     * {@link #scale}, done on 32-bit words. For bytes 4..7, {@code (w0 >>> 2) & 0x30303030} puts bits
     * 6..7 of each byte of {@code b[0..3]} at bits 4..5 (bits shifted in from the next byte fall outside
     * the mask). Lets a decoder extract a scale with a shift and a mask instead of a branchy call.
     */
    static long packedScales(MemorySegment seg, long off) {
        int w0 = u32(seg, off), w2 = u32(seg, off + 8);
        int lo = w0 & 0x3F3F3F3F;
        int hi = (w2 & 0x0F0F0F0F) | ((w0 >>> 2) & 0x30303030);
        return (lo & 0xFFFF_FFFFL) | (long) hi << 32;
    }

    /** All eight mins, {@code m[j]} in byte {@code j}; see {@link #packedScales}. */
    static long packedMins(MemorySegment seg, long off) {
        int w1 = u32(seg, off + 4), w2 = u32(seg, off + 8);
        int lo = w1 & 0x3F3F3F3F;
        int hi = ((w2 >>> 4) & 0x0F0F0F0F) | ((w1 >>> 2) & 0x30303030);
        return (lo & 0xFFFF_FFFFL) | (long) hi << 32;
    }

    /** Byte {@code j} of a packed value. */
    static int unpack(long packed, int j) {
        return (int) (packed >>> (8 * j)) & 0xFF;
    }

    /** {@code sc[j]} of the scale block at {@code off}. */
    static int scale(MemorySegment seg, long off, int j) {
        if (j < 4) {
            return u8(seg, off + j) & 63;
        }
        return (u8(seg, off + j + 4) & 15) | (u8(seg, off + j - 4) >> 6) << 4;
    }

    /** {@code m[j]} of the scale block at {@code off}. */
    static int min(MemorySegment seg, long off, int j) {
        if (j < 4) {
            return u8(seg, off + j + 4) & 63;
        }
        return (u8(seg, off + j + 4) >> 4) | (u8(seg, off + j) >> 6) << 4;
    }
}
