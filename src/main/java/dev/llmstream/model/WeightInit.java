package dev.llmstream.model;

/**
 * How the values of one synthesized tensor are drawn. The scales are chosen so that a random model
 * behaves like a (very bad) trained one numerically: activations stay O(1) through every layer and
 * greedy decoding has clear margins.
 *
 * <ul>
 *   <li>Projection matrices (attention Q/K/V/O, FFN gate/up/down): N(0, 1) / sqrt(fan_in), with
 *       fan_in = ne[0], the input width -- each output then has unit variance for unit inputs.</li>
 *   <li>RMS-norm gains (attn_norm, ffn_norm, output_norm, attn_q_norm, attn_k_norm):
 *       1 + 0.1 N(0, 1).</li>
 *   <li>Output head ({@code output.weight}, or {@code token_embd.weight} when tied):
 *       N(0, 1) * {@value #LOGIT_STD} / sqrt(n_embd). The final RMS norm makes the last hidden
 *       state have RMS ~1 whatever the layers did, so each logit is a sum of n_embd terms of
 *       variance (LOGIT_STD^2 / n_embd) and the logits have standard deviation ~LOGIT_STD over
 *       the vocabulary. 3.5 keeps the top-1/top-2 gap around 0.7 nats for a 50k vocabulary
 *       (expected gap of Gaussian maxima ~ sigma / sqrt(2 ln V)), clear enough that greedy output
 *       does not flip on rounding, yet not so peaked that sampling is degenerate.</li>
 *   <li>Untied input embeddings: N(0, 1), like the residual stream they start.</li>
 *   <li>Q/K/V biases (qwen2): 0.1 N(0, 1).</li>
 *   <li>{@code rope_freqs.weight}: not random, the llama3 per-frequency divisors.</li>
 * </ul>
 */
sealed interface WeightInit {
    double LOGIT_STD = 3.5;

    /** mean + std * N(0, 1), each element. */
    record Gaussian(double mean, double std) implements WeightInit {}

    /** These exact values (1-D tensors only). */
    record Fixed(float[] values) implements WeightInit {}

    static WeightInit projection(long fanIn) {
        return new Gaussian(0, 1 / Math.sqrt(fanIn));
    }

    static WeightInit normGain() {
        return new Gaussian(1, 0.1);
    }

    static WeightInit outputHead(int nEmbd) {
        return new Gaussian(0, LOGIT_STD / Math.sqrt(nEmbd));
    }

    static WeightInit bias() {
        return new Gaussian(0, 0.1);
    }

    /**
     * Llama 3 RoPE frequency divisors, as Meta's reference {@code apply_scaling} and llama.cpp's
     * converter ({@code LlamaModel.generate_extra_tensors}) compute them: for each rotary pair i
     * with inverse frequency {@code theta^(-2i/d)} and wavelength {@code 2 pi / freq}: 1 for
     * wavelengths shorter than {@code origCtx / highFreqFactor}, {@code factor} for those longer
     * than {@code origCtx / lowFreqFactor}, and in between
     * {@code 1 / ((1 - smooth) / factor + smooth)} with
     * {@code smooth = (origCtx / wavelen - low) / (high - low)}. Shape [headDim / 2].
     */
    static Fixed llama3RopeFactors(ModelShape.Llama3Rope r, float theta, int headDim) {
        float[] out = new float[headDim / 2];
        double lowWavelen = r.originalContextLength() / (double) r.lowFreqFactor();
        double highWavelen = r.originalContextLength() / (double) r.highFreqFactor();
        for (int i = 0; i < out.length; i++) {
            // float32 like the converter's torch.arange(..., dtype=float32) / dim and base ** x
            float freq = (float) (1.0 / StrictMath.pow(theta, (float) (2 * i) / headDim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                out[i] = 1f;
            } else if (wavelen > lowWavelen) {
                out[i] = r.factor();
            } else {
                double smooth = (r.originalContextLength() / wavelen - r.lowFreqFactor())
                        / (r.highFreqFactor() - r.lowFreqFactor());
                out[i] = (float) (1 / ((1 - smooth) / r.factor() + smooth));
            }
        }
        return new Fixed(out);
    }
}
