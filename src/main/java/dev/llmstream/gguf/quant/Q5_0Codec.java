package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q5_0: blocks of 32 weights in 22 bytes, {@code block_q5_0 { ggml_half d; uint8_t qh[4];
 * uint8_t qs[16]; }}. llama.cpp writes it where a Q4_K tensor's rows are not whole super-blocks
 * of 256 ({@code tensor_type_fallback}), e.g. every 960-wide matrix of SmolLM2-360M in Q4_K_M.
 *
 * <p>Quantization follows {@code quantize_row_q5_0_ref}: Q4_0's signed-max rule with 5 bits,
 * {@code d = max / -16}, {@code id = d != 0 ? 1/d : 0}, code
 * {@code min(31, (int8_t)(x*id + 16.5f))} (truncation). Byte {@code j} of {@code qs} holds the
 * low nibbles of weights {@code j} and {@code j+16}; bit {@code j} of the little-endian 32-bit
 * {@code qh} is the fifth bit of weight {@code j}, bit {@code j+16} that of weight {@code j+16}.
 * Dequantization ({@code dequantize_row_q5_0}): {@code x = (q - 16) * d}.
 */
public final class Q5_0Codec implements WeightCodec {
    static final Q5_0Codec INSTANCE = new Q5_0Codec();
    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 22;
    static final ValueLayout.OfInt QH = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private Q5_0Codec() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        for (int b = 0; b < n / BLOCK; b++) {
            int x0 = srcOff + b * BLOCK;
            long out = dstOff + (long) b * BLOCK_BYTES;
            KQuants.requireFinite(src, x0, BLOCK, "Q5_0");
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                float v = src[x0 + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -16f;
            float id = d != 0f ? 1f / d : 0f;
            dst.set(F16Codec.LE, out, F16Codec.toHalf(d));
            int qh = 0;
            for (int j = 0; j < BLOCK / 2; j++) {
                // (int8_t) of a float truncates toward zero, as the (int) cast does here
                int xi0 = Math.min(31, (byte) (int) (src[x0 + j] * id + 16.5f)) & 0xFF;
                int xi1 = Math.min(31, (byte) (int) (src[x0 + BLOCK / 2 + j] * id + 16.5f)) & 0xFF;
                dst.set(ValueLayout.JAVA_BYTE, out + 6 + j, (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4)));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + BLOCK / 2);
            }
            dst.set(QH, out + 2, qh);
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        for (int b = 0; b < n / BLOCK; b++) {
            long in = srcOff + (long) b * BLOCK_BYTES;
            float d = F16Codec.fromHalf(src.get(F16Codec.LE, in));
            int qh = src.get(QH, in + 2);
            int y0 = dstOff + b * BLOCK;
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, in + 6 + j) & 0xFF;
                int h0 = ((qh >>> j) << 4) & 0x10;
                int h1 = (qh >>> (j + 12)) & 0x10;
                dst[y0 + j] = (((q & 0x0F) | h0) - 16) * d;
                dst[y0 + BLOCK / 2 + j] = (((q >>> 4) | h1) - 16) * d;
            }
        }
    }
}
