package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** F32: IEEE single precision, little-endian, stored as is (raw bits, NaN payloads kept). */
public final class F32Codec implements WeightCodec {
    static final F32Codec INSTANCE = new F32Codec();
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private F32Codec() {}

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        MemorySegment.copy(src, srcOff, dst, LE, dstOff, n);
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        MemorySegment.copy(src, LE, srcOff, dst, dstOff, n);
    }
}
