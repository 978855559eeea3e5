package dev.llmstream.engine.cpu.kernel;

/**
 * Rotary position embedding (Su et al. 2021, "RoFormer"). Pair {@code i} of a head is rotated by
 * {@code pos · base^(-2i/d)} (optionally divided by a per-pair frequency divisor and by a linear
 * position-interpolation factor).
 *
 * <p>Computed the way llama.cpp's CPU {@code ggml_rope} does (ggml-cpu ops.cpp, {@code ggml_rope_cache_init}
 * and {@code rotate_pairs}), so rotated queries and keys carry the reference implementation's bits:
 * {@code theta_scale = powf(base, -2.0f/d)}, {@code theta} starts at the position (as float) and is
 * multiplied by it pair after pair in float, {@code cos}/{@code sin} are the C library's {@code sincosf}
 * ({@link LibmSincosf}), and the rotation is {@code x0·cos − x1·sin}, {@code x0·sin + x1·cos} with the
 * first product of each fused into a multiply-add, as the compiler contracted ggml's C
 * ({@code fma(x0, cos, −(x1·sin))}, {@code fma(x0, sin, x1·cos)}; checked against llama.cpp's rotated
 * tensors).
 */
public final class Rope {
    /** How pairs are formed: adjacent {@code (2i, 2i+1)} (llama) or halves {@code (i, i+d/2)} (NEOX). */
    public enum Style { NORMAL, NEOX }

    private final int ropeDim;
    private final float thetaScale;
    private final float freqScale;
    private final float[] freqDivisors;
    private final Style style;

    /**
     * @param ropeDim      rotated dimensions per head (even, <= head dim)
     * @param base         {@code rope.freq_base}
     * @param linearFactor position interpolation factor (1 = none)
     * @param freqDivisors per-pair divisors ({@code rope_freqs.weight}, Llama 3.1+) or null
     */
    public Rope(int ropeDim, float base, float linearFactor, float[] freqDivisors, Style style) {
        this.ropeDim = ropeDim;
        this.thetaScale = (float) Math.pow(base, (double) (-2.0f / ropeDim));
        this.freqScale = 1f / linearFactor;
        this.freqDivisors = freqDivisors;
        this.style = style;
    }

    /** Number of (cos, sin) pairs per position. */
    public int pairs() {
        return ropeDim / 2;
    }

    /** Fills {@code cos[off..off+pairs)} and {@code sin[...]} for one position. */
    public void angles(int pos, float[] cos, float[] sin, int off) {
        float theta = pos;
        for (int i = 0; i < ropeDim / 2; i++) {
            float t = freqDivisors == null ? theta : theta / freqDivisors[i];
            t *= freqScale;
            cos[off + i] = LibmSincosf.cos(t);
            sin[off + i] = LibmSincosf.sin(t);
            theta *= thetaScale;
        }
    }

    /** Rotates {@code nHeads} heads of {@code headDim} values starting at {@code x[off]} in place. */
    public void apply(float[] x, int off, int nHeads, int headDim, float[] cos, float[] sin, int csOff) {
        int half = ropeDim / 2;
        for (int h = 0; h < nHeads; h++) {
            int base = off + h * headDim;
            if (style == Style.NORMAL) {
                for (int i = 0; i < half; i++) {
                    float c = cos[csOff + i];
                    float s = sin[csOff + i];
                    float x0 = x[base + 2 * i];
                    float x1 = x[base + 2 * i + 1];
                    x[base + 2 * i] = Math.fma(x0, c, -(x1 * s));
                    x[base + 2 * i + 1] = Math.fma(x0, s, x1 * c);
                }
            } else {
                for (int i = 0; i < half; i++) {
                    float c = cos[csOff + i];
                    float s = sin[csOff + i];
                    float x0 = x[base + i];
                    float x1 = x[base + i + half];
                    x[base + i] = Math.fma(x0, c, -(x1 * s));
                    x[base + i + half] = Math.fma(x0, s, x1 * c);
                }
            }
        }
    }
}
