package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q5_1: blocks of 32 weights in 24 bytes, {@code block_q5_1 { ggml_half d; ggml_half m;
 * uint8_t qh[4]; uint8_t qs[16]; }}. llama.cpp writes it where a Q5_K tensor's rows are not whole
 * super-blocks of 256 ({@code tensor_type_fallback}).
 *
 * <p>Quantization follows {@code quantize_row_q5_1_ref}: an affine block, {@code min} and
 * {@code max} of the 32 weights, {@code d = (max - min) / 31}, {@code id = d != 0 ? 1/d : 0},
 * code {@code (uint8_t)((x - min)*id + 0.5f)} (truncation; no clamp, so a code that rounds up to
 * 32 keeps only its low five bits, as in ggml), {@code d} and {@code min} stored as F16. Bit
 * layout as {@link Q5_0Codec}. Dequantization ({@code dequantize_row_q5_1}):
 * {@code x = q*d + m}, two roundings.
 */
public final class Q5_1Codec implements WeightCodec {
    static final Q5_1Codec INSTANCE = new Q5_1Codec();
    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 24;

    private Q5_1Codec() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        for (int b = 0; b < n / BLOCK; b++) {
            int x0 = srcOff + b * BLOCK;
            long out = dstOff + (long) b * BLOCK_BYTES;
            KQuants.requireFinite(src, x0, BLOCK, "Q5_1");
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < BLOCK; j++) {
                float v = src[x0 + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / 31;
            float id = d != 0f ? 1f / d : 0f;
            dst.set(F16Codec.LE, out, F16Codec.toHalf(d));
            dst.set(F16Codec.LE, out + 2, F16Codec.toHalf(min));
            int qh = 0;
            for (int j = 0; j < BLOCK / 2; j++) {
                int xi0 = (int) ((src[x0 + j] - min) * id + 0.5f) & 0xFF;
                int xi1 = (int) ((src[x0 + BLOCK / 2 + j] - min) * id + 0.5f) & 0xFF;
                dst.set(ValueLayout.JAVA_BYTE, out + 8 + j, (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4)));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + BLOCK / 2);
            }
            dst.set(Q5_0Codec.QH, out + 4, qh);
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        for (int b = 0; b < n / BLOCK; b++) {
            long in = srcOff + (long) b * BLOCK_BYTES;
            float d = F16Codec.fromHalf(src.get(F16Codec.LE, in));
            float m = F16Codec.fromHalf(src.get(F16Codec.LE, in + 2));
            int qh = src.get(Q5_0Codec.QH, in + 4);
            int y0 = dstOff + b * BLOCK;
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, in + 8 + j) & 0xFF;
                int h0 = ((qh >>> j) << 4) & 0x10;
                int h1 = (qh >>> (j + 12)) & 0x10;
                dst[y0 + j] = ((q & 0x0F) | h0) * d + m;
                dst[y0 + BLOCK / 2 + j] = ((q >>> 4) | h1) * d + m;
            }
        }
    }
}
