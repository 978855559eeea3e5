package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_0: blocks of 32 weights in 18 bytes, {@code block_q4_0 { ggml_half d; uint8_t qs[16]; }}.
 *
 * <p>Quantization follows {@code quantize_row_q4_0_ref} (ggml/src/ggml-quants.c). The scale uses
 * the <em>signed</em> value of largest magnitude, {@code max}: {@code d = max / -8},
 * {@code id = d != 0 ? 1/d : 0}; each weight becomes {@code min(15, (int8_t)(x * id + 8.5f))}
 * (truncation toward zero), so {@code max} itself maps to code 0 and is reproduced exactly as
 * {@code -8 * d}, while the opposite extreme clips at 15 ({@code 7 * d}). Byte {@code j} packs
 * weight {@code j} in its low nibble and weight {@code j + 16} in its high nibble.
 * Dequantization ({@code dequantize_row_q4_0}): {@code x = (nibble - 8) * d}.
 */
public final class Q4_0Codec implements WeightCodec {
    static final Q4_0Codec INSTANCE = new Q4_0Codec();
    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 18;

    private Q4_0Codec() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        for (int b = 0; b < n / BLOCK; b++) {
            int x0 = srcOff + b * BLOCK;
            long out = dstOff + (long) b * BLOCK_BYTES;
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                float v = src[x0 + j];
                if (Float.isNaN(v)) { // |NaN| never wins the comparison below, so check it here
                    throw new IllegalArgumentException("NaN weight at index " + (x0 + j));
                }
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            if (amax == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("non-finite weight in Q4_0 block starting at index " + x0);
            }
            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            dst.set(F16Codec.LE, out, F16Codec.toHalf(d));
            for (int j = 0; j < BLOCK / 2; j++) {
                int lo = Math.min(15, (int) (src[x0 + j] * id + 8.5f));
                int hi = Math.min(15, (int) (src[x0 + BLOCK / 2 + j] * id + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, out + 2 + j, (byte) (lo | (hi << 4)));
            }
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        for (int b = 0; b < n / BLOCK; b++) {
            long in = srcOff + (long) b * BLOCK_BYTES;
            float d = F16Codec.fromHalf(src.get(F16Codec.LE, in));
            int y0 = dstOff + b * BLOCK;
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, in + 2 + j) & 0xFF;
                dst[y0 + j] = ((q & 0x0F) - 8) * d;
                dst[y0 + BLOCK / 2 + j] = ((q >>> 4) - 8) * d;
            }
        }
    }
}
