package dev.llmstream.config;

import java.nio.file.Path;

/**
 * The model and CPU engine of {@code serve}; see {@link ConfigSchema} for each key.
 *
 * @param model null: the built-in default model
 */
public record EngineSettings(Path model, int threads, int contextLength, long kvCacheMb, int maxBatchedTokens,
                             int maxSeqs, int maxWaiting, boolean prefixCache, int blockSize, boolean warmup) {}
