package dev.llmstream.engine.cpu.model;

/**
 * RoPE frequency scaling. {@code NONE}: {@code theta_i = pos * base^(-2i/d)}. {@code LINEAR}: positions
 * divided by {@code factor} (position interpolation, Chen et al. 2023). {@code LLAMA3}: per-frequency
 * divisors as in Llama 3.1 — low frequencies (long wavelengths) divided by {@code factor}, high ones
 * kept, smooth blend between (Meta's {@code apply_scaling}); GGUF files usually carry the resulting
 * divisors as the tensor {@code rope_freqs.weight}, which takes precedence.
 */
public record RopeScaling(Type type, float factor, int originalContext, float lowFreqFactor, float highFreqFactor) {
    public enum Type { NONE, LINEAR, LLAMA3 }

    public static final RopeScaling NONE = new RopeScaling(Type.NONE, 1f, 0, 1f, 4f);

    /** Per-pair frequency divisors for {@code ropeDim} rotated dims (LLAMA3), or {@code null}. */
    public float[] llama3Divisors(int ropeDim, float base) {
        if (type != Type.LLAMA3) {
            return null;
        }
        float[] div = new float[ropeDim / 2];
        double lowWavelen = originalContext / lowFreqFactor;
        double highWavelen = originalContext / highFreqFactor;
        for (int i = 0; i < div.length; i++) {
            double freq = Math.pow(base, -2.0 * i / ropeDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                div[i] = 1f;
            } else if (wavelen > lowWavelen) {
                div[i] = factor;
            } else {
                double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                double scaled = (1 - smooth) * freq / factor + smooth * freq;
                div[i] = (float) (freq / scaled);
            }
        }
        return div;
    }
}
