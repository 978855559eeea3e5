package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q8_0: blocks of 32 weights in 34 bytes, {@code block_q8_0 { ggml_half d; int8_t qs[32]; }}.
 *
 * <p>Quantization follows {@code quantize_row_q8_0_ref} (ggml/src/ggml-quants.c): per block,
 * {@code amax = max|x|}, {@code d = amax / 127}, {@code id = d != 0 ? 1/d : 0},
 * {@code qs[j] = roundf(x[j] * id)} (round half away from zero), and {@code d} is stored as F16.
 * Note that {@code id} comes from the unrounded {@code d}, not from the stored half. Dequantization
 * ({@code dequantize_row_q8_0}) is {@code x[j] = qs[j] * d}.
 *
 * <p>Consequence used by the tests: a dequantized block is a fixed point. Its largest magnitude is
 * exactly {@code 127 * d16}, so re-quantizing recomputes the same {@code d16} and the same codes.
 */
public final class Q8_0Codec implements WeightCodec {
    static final Q8_0Codec INSTANCE = new Q8_0Codec();
    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 34;

    private Q8_0Codec() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        for (int b = 0; b < n / BLOCK; b++) {
            int x0 = srcOff + b * BLOCK;
            long out = dstOff + (long) b * BLOCK_BYTES;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(src[x0 + j]));
            }
            if (!(amax <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("non-finite weight in Q8_0 block starting at index " + x0);
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            dst.set(F16Codec.LE, out, F16Codec.toHalf(d));
            for (int j = 0; j < BLOCK; j++) {
                dst.set(ValueLayout.JAVA_BYTE, out + 2 + j, (byte) roundHalfAway(src[x0 + j] * id));
            }
        }
    }

    /** C's {@code roundf}: halves go away from zero (Math.round would send -2.5 to -2). */
    static int roundHalfAway(float v) {
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (int) (v < 0 ? -r : r);
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        for (int b = 0; b < n / BLOCK; b++) {
            long in = srcOff + (long) b * BLOCK_BYTES;
            float d = F16Codec.fromHalf(src.get(F16Codec.LE, in));
            int y0 = dstOff + b * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
                dst[y0 + j] = src.get(ValueLayout.JAVA_BYTE, in + 2 + j) * d;
            }
        }
    }
}
