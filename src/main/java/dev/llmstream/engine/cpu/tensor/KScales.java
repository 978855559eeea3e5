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

    private KScales() {}

    private static int u8(MemorySegment seg, long offset) {
        return seg.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
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
