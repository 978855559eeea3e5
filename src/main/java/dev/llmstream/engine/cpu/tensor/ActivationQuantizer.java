package dev.llmstream.engine.cpu.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Converts activation rows to what llama.cpp's matmul for a weight format consumes (its
 * {@code vec_dot_type}, see {@link ActivationFormat}), as the x86 build computes it:
 *
 * <ul>
 *   <li>Q8_0 ({@code quantize_row_q8_0}, and the identical {@code ggml_quantize_mat_q8_0_4x8} of the
 *       repacked path): per 32 values {@code amax = max|x|}, {@code d = fp16(amax/127)},
 *       {@code q = round_half_even(x · (127/amax))}.</li>
 *   <li>Q8_1 ({@code quantize_row_q8_1}, x86): {@code d} and {@code q} as Q8_0, and
 *       {@code s = fp16(amax/127 · Σq)} (the unrounded float {@code d} times the exact integer sum).</li>
 *   <li>Q8_K ({@code quantize_row_q8_K_ref}): per 256 values {@code max} = the first value of largest
 *       magnitude (with its sign), {@code iscale = −127/max}, {@code q = min(127, round_half_even(iscale·x))},
 *       {@code d = 1/iscale}, and {@code bsums} = sums of 16 quants. The repacked 4-token quantizer
 *       ({@code ggml_quantize_mat_q8_K_4x8}) differs only when +a and −a tie for the largest magnitude
 *       (it then takes the positive one); that tie is not reproduced.</li>
 *   <li>F16 / BF16: round to nearest even in that format.</li>
 * </ul>
 * Rows are converted one by one with the same scalar operations, so a token's result never depends on the
 * batch.
 */
public final class ActivationQuantizer {
    private static final float RINT_MAGIC = 0x1.8p23f;

    private ActivationQuantizer() {}

    /**
     * Fills {@code dst} with {@code nTokens} rows of {@code cols} activations from {@code src} in
     * {@code format}, with per-token {@link MatmulMode} bits {@code modes[0..nTokens)}.
     */
    public static void prepare(ActivationFormat format, float[] src, int nTokens, int cols, byte[] modes,
                               PreparedInput dst) {
        begin(format, nTokens, cols, modes, dst);
        if (dst.tokenGroups()) {
            prepareColumns(src, 0, cols, dst);
            return;
        }
        for (int t = 0; t < nTokens; t++) {
            prepareRow(src, t, dst);
        }
    }

    /**
     * {@link ActivationFormat#Q8_0_GROUPED}: converts columns {@code [k0, k1)} (whole blocks) of every token of
     * {@code src} into {@code dst} (sized by {@link #begin}), quants and scales as {@link #prepareRow} and then
     * the token groups. Column ranges, not rows, split this format's work between threads: one column of a
     * 16-token group is one cache line, which threads filling alternate tokens would pass back and forth.
     */
    public static void prepareColumns(float[] src, int k0, int k1, PreparedInput dst) {
        int cols = dst.cols();
        int nb = cols / 32;
        for (int t = 0; t < dst.tokens(); t++) {
            for (int b = k0 / 32; b < k1 / 32; b++) {
                q8_0Block(src, t * cols + 32 * b, dst.values, dst.scales, t * nb + b);
            }
        }
        dst.groupColumns(k0, k1);
    }

    /**
     * Sizes {@code dst} for {@code nTokens} rows of {@code cols} activations in {@code format} and copies the
     * tokens' modes; the rows are then filled by {@link #prepareRow}, in any order or from several threads
     * (each writes only its own row) — or, for {@link ActivationFormat#Q8_0_GROUPED}, column ranges by
     * {@link #prepareColumns}.
     */
    public static void begin(ActivationFormat format, int nTokens, int cols, byte[] modes, PreparedInput dst) {
        if (cols % format.blockSize() != 0) {
            throw new IllegalArgumentException(format + " activations need a multiple of " + format.blockSize()
                    + " values, got " + cols);
        }
        dst.reset(format, nTokens, cols);
        System.arraycopy(modes, 0, dst.modes, 0, nTokens);
    }

    /** Converts row {@code t} of {@code src} into {@code dst} (sized by {@link #begin}). */
    public static void prepareRow(float[] src, int t, PreparedInput dst) {
        int cols = dst.cols();
        int off = t * cols;
        switch (dst.format()) {
            case F32 -> System.arraycopy(src, off, dst.values, off, cols);
            case F16 -> {
                for (int i = off; i < off + cols; i++) {
                    dst.values[i] = Float.float16ToFloat(Float.floatToFloat16(src[i]));
                }
            }
            case BF16 -> {
                for (int i = off; i < off + cols; i++) {
                    dst.values[i] = bf16Round(src[i]);
                }
            }
            case Q8_0_GROUPED -> throw new IllegalStateException("Q8_0_GROUPED is prepared by column ranges");
            case Q8_0 -> {
                for (int b = 0; b < cols / 32; b++) {
                    q8_0Block(src, off + 32 * b, dst.values, dst.scales, t * (cols / 32) + b);
                }
            }
            case Q8_1 -> {
                for (int b = 0; b < cols / 32; b++) {
                    int s = t * (cols / 32) + b;
                    float d = q8_0Block(src, off + 32 * b, dst.values, dst.scales, s);
                    int sum = 0;
                    for (int i = off + 32 * b; i < off + 32 * b + 32; i++) {
                        sum += (int) dst.values[i];
                    }
                    dst.sums[s] = Float.float16ToFloat(Float.floatToFloat16(d * sum));
                }
            }
            case Q8_K -> {
                for (int b = 0; b < cols / 256; b++) {
                    q8_KBlock(src, off + 256 * b, dst.values, dst.scales, t * (cols / 256) + b);
                }
                for (int g = 0; g < cols / 16; g++) {
                    float s = 0;
                    for (int i = 0; i < 16; i++) {
                        s += dst.values[off + 16 * g + i];
                    }
                    dst.sums[t * (cols / 16) + g] = s;
                }
            }
        }
        if (dst.laneGroups()) {
            dst.groupLanes(t);
        }
    }

    /**
     * One Q8_0 block; returns {@code amax/127} before its f16 rounding (Q8_1's {@code s} uses it). In vectors: a
     * maximum does not depend on the order it is taken in, and {@code (p + 1.5·2^23) − 1.5·2^23} is
     * {@code rint(p)} for {@code |p| < 2^22} (here {@code |p| <= 127}, or ±∞/NaN, which it keeps), giving +0
     * where {@code rint} gives −0 — the {@code + 0f} of the scalar form ({@link #q8_0BlockScalar}, the
     * reference in tests). The scalar form cost about 5% of a 16-sequence decode step, on one thread.
     */
    static float q8_0Block(float[] src, int b, float[] q, float[] scales, int s) {
        FloatVector mx = FloatVector.fromArray(Lanes.F, src, b).abs();
        for (int i = Lanes.L; i < 32; i += Lanes.L) {
            mx = mx.max(FloatVector.fromArray(Lanes.F, src, b + i).abs());
        }
        float amax = mx.reduceLanes(VectorOperators.MAX);
        scales[s] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
        float id = amax != 0f ? 127f / amax : 0f;
        for (int i = 0; i < 32; i += Lanes.L) {
            FloatVector.fromArray(Lanes.F, src, b + i).mul(id).add(RINT_MAGIC).sub(RINT_MAGIC).intoArray(q, b + i);
        }
        return amax / 127f;
    }

    /** {@link #q8_0Block} as {@code quantize_row_q8_0} writes it, value by value. */
    static float q8_0BlockScalar(float[] src, int b, float[] q, float[] scales, int s) {
        float amax = 0f;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(src[b + i]));
        }
        scales[s] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
        float id = amax != 0f ? 127f / amax : 0f;
        for (int i = 0; i < 32; i++) {
            q[b + i] = (float) Math.rint(src[b + i] * id) + 0f; // + 0: no -0 quants
        }
        return amax / 127f;
    }

    private static void q8_KBlock(float[] src, int b, float[] q, float[] scales, int s) {
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
            java.util.Arrays.fill(q, b, b + 256, 0f);
            scales[s] = 0f;
            return;
        }
        float iscale = -127f / max;
        for (int i = 0; i < 256; i++) {
            q[b + i] = Math.min(127f, (float) Math.rint(iscale * src[b + i])) + 0f;
        }
        scales[s] = 1f / iscale;
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
