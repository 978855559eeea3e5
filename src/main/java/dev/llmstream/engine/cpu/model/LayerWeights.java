package dev.llmstream.engine.cpu.model;

import dev.llmstream.engine.cpu.tensor.WeightMatrix;

/**
 * One transformer block's weights. Matrices are {@code [out × in]} views over the mapped file; norms
 * and biases are small float arrays copied out once. Optional parts are {@code null}.
 *
 * @param attnNorm  RMSNorm weight before attention [nEmbd]
 * @param wq        [nHead·headDim × nEmbd]
 * @param wk        [nHeadKv·headDim × nEmbd]
 * @param wv        [nHeadKv·headDim × nEmbd]
 * @param wo        [nEmbd × nHead·headDim]
 * @param bq        Q bias [nHead·headDim] (Qwen2) or null
 * @param bk        K bias (Qwen2) or null
 * @param bv        V bias (Qwen2) or null
 * @param qNorm     per-head RMSNorm weight for Q [headDim] (Qwen3) or null
 * @param kNorm     per-head RMSNorm weight for K [headDim] (Qwen3) or null
 * @param ffnNorm   RMSNorm weight before the MLP [nEmbd]
 * @param wGate     [nFf × nEmbd]
 * @param wUp       [nFf × nEmbd]
 * @param wDown     [nEmbd × nFf]
 */
public record LayerWeights(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                           float[] bq, float[] bk, float[] bv, float[] qNorm, float[] kNorm, float[] ffnNorm,
                           WeightMatrix wGate, WeightMatrix wUp, WeightMatrix wDown) {

    /** Bytes of matrix data one token's pass through this layer streams. */
    public long matrixBytes() {
        return wq.byteSize() + wk.byteSize() + wv.byteSize() + wo.byteSize()
                + wGate.byteSize() + wUp.byteSize() + wDown.byteSize();
    }
}
