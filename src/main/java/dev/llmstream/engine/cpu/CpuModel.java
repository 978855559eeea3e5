package dev.llmstream.engine.cpu;

import dev.llmstream.engine.cpu.compute.ComputePool;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.model.ForwardPass;
import dev.llmstream.engine.cpu.model.ModelConfig;
import dev.llmstream.engine.cpu.model.ModelWeights;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.gguf.GgufFile;
import java.io.IOException;

/**
 * A loaded model with everything that computes on it: the mapped file, weights, KV storage sized from
 * the memory budget, the compute pool and the forward pass. Owned by the engine loop.
 */
public final class CpuModel implements AutoCloseable {
    private final GgufFile file;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final KvStorage kv;
    private final ComputePool pool;
    private final ForwardPass forward;
    private final String name;
    private final int contextLength;

    private CpuModel(GgufFile file, ModelConfig config, ModelWeights weights, KvStorage kv, ComputePool pool,
                     ForwardPass forward, String name, int contextLength) {
        this.file = file;
        this.config = config;
        this.weights = weights;
        this.kv = kv;
        this.pool = pool;
        this.forward = forward;
        this.name = name;
        this.contextLength = contextLength;
    }

    public static CpuModel load(CpuEngineConfig cfg) throws IOException {
        GgufFile file = GgufFile.open(cfg.model());
        try {
            ModelConfig mc = ModelConfig.from(file);
            int ctx = cfg.contextLength() > 0 ? Math.min(cfg.contextLength(), mc.contextLength()) : mc.contextLength();
            long perToken = KvStorage.bytesPerBlock(mc.nLayer(), 1, mc.kvDim());
            long budget = cfg.resolveKvBytes(perToken, ctx);
            int maxLogits = Math.min(cfg.scheduler().maxBatchedTokens(), cfg.scheduler().maxSequences()
                    + (cfg.spec().defaultMode() == dev.llmstream.engine.SpeculationParams.Mode.OFF ? 0
                    : cfg.spec().maxBatch() * cfg.spec().maxDraftTokens()) + 8 * cfg.spec().maxDraftTokens());
            ComputePool pool = new ComputePool(cfg.resolvedThreads(), "compute");
            String name = cfg.modelName() != null ? cfg.modelName() : mc.name();
            return build(file, mc, ctx, budget, cfg.blockSize(), pool, cfg.scheduler().maxBatchedTokens(), maxLogits,
                    name, cfg.numerics());
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * A second model computing on an existing pool (the speculative-decoding draft): its own mapping,
     * weights and KV storage of {@code kvBytes}.
     */
    public static CpuModel loadDraft(java.nio.file.Path path, ComputePool pool, long kvBytes, int blockSize,
                                     int maxTokens, int maxLogits, int contextLength, int targetVocab,
                                     Numerics numerics) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            ModelConfig mc = ModelConfig.from(file);
            if (mc.vocabSize() != targetVocab) {
                throw new IllegalArgumentException("draft model " + path.getFileName() + " has a vocabulary of "
                        + mc.vocabSize() + " tokens, the target's has " + targetVocab
                        + ": a draft must share the target's tokenizer");
            }
            return build(file, mc, Math.min(contextLength, mc.contextLength()), kvBytes, blockSize, pool, maxTokens,
                    maxLogits, mc.name(), numerics);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static CpuModel build(GgufFile file, ModelConfig mc, int ctx, long kvBytes, int blockSize,
                                  ComputePool pool, int maxTokens, int maxLogits, String name, Numerics numerics) {
        ModelWeights weights = ModelWeights.load(file, mc, numerics);
        long perToken = KvStorage.bytesPerBlock(mc.nLayer(), 1, mc.kvDim());
        int blocks = (int) Math.min(KvStorage.maxBlocks(blockSize, mc.kvDim()),
                Math.max(16, kvBytes / (perToken * blockSize)));
        KvStorage kv = new KvStorage(mc.nLayer(), blocks, blockSize, mc.kvDim(), mc.headDim());
        ForwardPass fp = new ForwardPass(weights, kv, pool, maxTokens, maxLogits);
        return new CpuModel(file, mc, weights, kv, pool, fp, name, ctx);
    }

    public GgufFile file() {
        return file;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public KvStorage kv() {
        return kv;
    }

    public ForwardPass forward() {
        return forward;
    }

    public ComputePool pool() {
        return pool;
    }

    public String name() {
        return name;
    }

    public int contextLength() {
        return contextLength;
    }

    public long kvBytes() {
        return (long) kv.numBlocks() * KvStorage.bytesPerBlock(config.nLayer(), kv.blockSize(), config.kvDim());
    }

    /** Releases the mapping; the pool only if this model owns it ({@code closePool}). */
    public void close(boolean closePool) {
        if (closePool) {
            pool.close();
        }
        file.close();
    }

    @Override
    public void close() {
        close(true);
    }
}
