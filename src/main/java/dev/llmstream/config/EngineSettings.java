package dev.llmstream.config;

import java.nio.file.Path;

/**
 * The model and CPU engine of {@code serve}; see {@link ConfigSchema} for each key.
 *
 * @param model           null: the built-in default model
 * @param kind            cpu, trtllm or auto
 * @param trtllmEngineDir TensorRT-LLM engine directory, or null
 * @param trtllmNativeDir where libtrtllm_shim.so lives, or null (library path)
 * @param spec            speculative decoding default: off, ngram or draft
 * @param draftModel      draft GGUF, or null
 * @param maxStepMillis   step-duration target while decoding (0: static token budget)
 * @param numerics        matmul rounding of the CPU engine: exact (llama.cpp's bits) or fast
 */
public record EngineSettings(Path model, String kind, Path trtllmEngineDir, Path trtllmNativeDir, int threads,
                             int contextLength, long kvCacheMb, int maxBatchedTokens, int maxSeqs, int maxWaiting,
                             boolean prefixCache, int blockSize, boolean warmup, String spec, Path draftModel,
                             int specTokens, int specMaxBatch, int maxStepMillis, String numerics) {}
