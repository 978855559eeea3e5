package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * F16: IEEE half precision. ggml converts with round-to-nearest-even ({@code GGML_FP32_TO_FP16}:
 * the F16C instruction {@code vcvtps2ph} with rounding mode 0 on x86, or the bit-exact software
 * {@code ggml_compute_fp32_to_fp16} elsewhere); {@link Float#floatToFloat16} rounds the same way,
 * including overflow to infinity and subnormal results. Half to float is exact.
 */
public final class F16Codec implements WeightCodec {
    static final F16Codec INSTANCE = new F16Codec();
    static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private F16Codec() {}

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    /** Half-precision bits of {@code x}, rounded to nearest even. */
    public static short toHalf(float x) {
        return Float.floatToFloat16(x);
    }

    public static float fromHalf(short bits) {
        return Float.float16ToFloat(bits);
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        for (int i = 0; i < n; i++) {
            dst.set(LE, dstOff + 2L * i, toHalf(src[srcOff + i]));
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = fromHalf(src.get(LE, srcOff + 2L * i));
        }
    }
}
