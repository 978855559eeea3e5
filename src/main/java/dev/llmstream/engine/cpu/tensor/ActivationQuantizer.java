package dev.llmstream.engine.cpu.tensor;

/**
 * Applies an {@link ActivationFormat}'s rounding to activation rows, writing float values that are
 * exactly what llama.cpp's quantized activation blocks represent:
 *
 * <ul>
 *   <li>Q8_0 (x86 {@code quantize_row_q8_0}): per 32 values {@code amax = max|x|},
 *       {@code q = rint(x · 127/amax)} (round half even), stored scale {@code d = fp16(amax/127)};
 *       value {@code q · d}.</li>
 *   <li>Q8_K ({@code quantize_row_q8_K_ref}): per 256 values, {@code max} = the element of largest
 *       magnitude (with its sign), {@code iscale = -127/max}, {@code q = min(127, rint(iscale · x))},
 *       {@code d = 1/iscale} in f32; value {@code q · d}.</li>
 *   <li>F16 / BF16: round to nearest even in that format.</li>
 * </ul>
 * Values are computed per row with the same scalar operations for every token (batch invariant).
 */
public final class ActivationQuantizer {
    private ActivationQuantizer() {}

    /**
     * Writes the rounded form of {@code nRows} rows of {@code cols} values from {@code src} into
     * {@code dst} (same layout). For F32 this is a copy; callers skip it.
     */
    public static void apply(ActivationFormat format, float[] src, float[] dst, int nRows, int cols) {
        for (int r = 0; r < nRows; r++) {
            applyRow(format, src, dst, r * cols, cols);
        }
    }

    /** One row at {@code off}. {@code cols} must be a multiple of the format's block size. */
    public static void applyRow(ActivationFormat format, float[] src, float[] dst, int off, int cols) {
        switch (format) {
            case F32 -> System.arraycopy(src, off, dst, off, cols);
            case F16 -> {
                for (int i = off; i < off + cols; i++) {
                    dst[i] = Float.float16ToFloat(Float.floatToFloat16(src[i]));
                }
            }
            case BF16 -> {
                for (int i = off; i < off + cols; i++) {
                    dst[i] = bf16Round(src[i]);
                }
            }
            case Q8_0 -> {
                requireBlocks(cols, 32, format);
                for (int b = off; b < off + cols; b += 32) {
                    q8_0Block(src, dst, b);
                }
            }
            case Q8_K -> {
                requireBlocks(cols, 256, format);
                for (int b = off; b < off + cols; b += 256) {
                    q8_KBlock(src, dst, b);
                }
            }
        }
    }

    private static void requireBlocks(int cols, int block, ActivationFormat f) {
        if (cols % block != 0) {
            throw new IllegalArgumentException(f + " activations need a multiple of " + block + " values, got " + cols);
        }
    }

    private static void q8_0Block(float[] src, float[] dst, int b) {
        float amax = 0f;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(src[b + i]));
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
        float id = amax != 0f ? 127f / amax : 0f;
        for (int i = 0; i < 32; i++) {
            dst[b + i] = (float) Math.rint(src[b + i] * id) * d;
        }
    }

    private static void q8_KBlock(float[] src, float[] dst, int b) {
        float max = 0f;
        float amax = 0f;
        for (int i = 0; i < 256; i++) {
            float ax = Math.abs(src[b + i]);
            if (ax > amax) {
                amax = ax;
                max = src[b + i];
            }
        }
        if (amax == 0f) {
            java.util.Arrays.fill(dst, b, b + 256, 0f);
            return;
        }
        float iscale = -127f / max;
        float d = 1f / iscale;
        for (int i = 0; i < 256; i++) {
            float q = Math.min(127f, (float) Math.rint(iscale * src[b + i]));
            dst[b + i] = q * d;
        }
    }

    /** Round to bfloat16 (nearest even), as ggml's {@code GGML_FP32_TO_BF16}. */
    static float bf16Round(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fffffff) > 0x7f800000) { // NaN: keep quiet NaN
            return Float.intBitsToFloat((bits | 0x00400000) & 0xffff0000);
        }
        bits = (bits + (0x7fff + ((bits >>> 16) & 1))) & 0xffff0000;
        return Float.intBitsToFloat(bits);
    }
}
