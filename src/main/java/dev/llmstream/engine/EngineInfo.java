package dev.llmstream.engine;

import java.util.Objects;

/**
 * What an engine serves and its fixed limits.
 *
 * @param engine           engine kind, e.g. {@code cpu} or {@code trtllm}
 * @param model            served model id (what {@code /v1/models} lists)
 * @param vocabSize        number of token ids the model can produce
 * @param contextLength    maximum prompt + output tokens per sequence
 * @param maxBatchedTokens token budget of one engine step
 * @param maxSequences     maximum running sequences per step
 * @param kvBlockSize      tokens per KV-cache block
 * @param kvBlocks         KV-cache blocks in the pool
 * @param prefixCaching    whether full prompt blocks are reused across requests
 * @param speculation      default speculative-decoding mode ({@code none}, {@code ngram}, {@code draft}, ...)
 */
public record EngineInfo(String engine, String model, int vocabSize, int contextLength, int maxBatchedTokens,
                         int maxSequences, int kvBlockSize, int kvBlocks, boolean prefixCaching,
                         String speculation) {
    public EngineInfo {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(speculation, "speculation");
    }
}
