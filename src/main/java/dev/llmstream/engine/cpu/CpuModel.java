package dev.llmstream.engine.cpu;

import dev.llmstream.engine.cpu.compute.ComputePool;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.model.ForwardPass;
import dev.llmstream.engine.cpu.model.ModelConfig;
import dev.llmstream.engine.cpu.model.ModelWeights;
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
            ModelWeights weights = ModelWeights.load(file, mc);
            int ctx = cfg.contextLength() > 0 ? Math.min(cfg.contextLength(), mc.contextLength()) : mc.contextLength();
            long perToken = KvStorage.bytesPerBlock(mc.nLayer(), 1, mc.kvDim());
            long budget = cfg.resolveKvBytes(perToken, ctx);
            int blocks = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(16, budget / (perToken * cfg.blockSize())));
            long perLayerFloats = (long) blocks * cfg.blockSize() * mc.kvDim();
            if (perLayerFloats > Integer.MAX_VALUE - 16) {
                blocks = (int) ((Integer.MAX_VALUE - 16) / ((long) cfg.blockSize() * mc.kvDim()));
            }
            KvStorage kv = new KvStorage(mc.nLayer(), blocks, cfg.blockSize(), mc.kvDim());
            ComputePool pool = new ComputePool(cfg.resolvedThreads(), "compute");
            int maxLogits = Math.min(cfg.scheduler().maxBatchedTokens(), cfg.scheduler().maxSequences()
                    + (cfg.spec().defaultMode() == dev.llmstream.engine.SpeculationParams.Mode.OFF ? 0
                    : cfg.spec().maxBatch() * cfg.spec().maxDraftTokens()) + 8 * cfg.spec().maxDraftTokens());
            ForwardPass fp = new ForwardPass(weights, kv, pool, cfg.scheduler().maxBatchedTokens(), maxLogits);
            String name = cfg.modelName() != null ? cfg.modelName() : mc.name();
            return new CpuModel(file, mc, weights, kv, pool, fp, name, ctx);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
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

    @Override
    public void close() {
        pool.close();
        file.close();
    }
}
