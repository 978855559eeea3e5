package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * BF16: the top 16 bits of an IEEE single. Conversion follows ggml's
 * {@code ggml_compute_fp32_to_bf16} (ggml/src/ggml-impl.h): NaNs keep their top bits and are forced
 * quiet (bit 6 of the half set); everything else rounds to nearest even by adding
 * {@code 0x7FFF + lsb} before truncating (overflow rounds up to infinity). BF16 to F32 is a shift.
 */
public final class Bf16Codec implements WeightCodec {
    static final Bf16Codec INSTANCE = new Bf16Codec();
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Bf16Codec() {}

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    public static short toBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7FFF + ((bits >>> 16) & 1))) >>> 16);
    }

    public static float fromBf16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        for (int i = 0; i < n; i++) {
            dst.set(LE, dstOff + 2L * i, toBf16(src[srcOff + i]));
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = fromBf16(src.get(LE, srcOff + 2L * i));
        }
    }
}
