package dev.llmstream.engine.cpu;

import dev.llmstream.engine.core.scheduler.SchedulerConfig;
import dev.llmstream.engine.core.spec.SpecConfig;
import dev.llmstream.engine.cpu.tensor.Numerics;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to run the CPU engine.
 *
 * @param model             GGUF file
 * @param modelName         id reported to clients ({@code null}: the file's {@code general.name})
 * @param threads           compute threads including the engine loop (0 = available processors)
 * @param scheduler         token budget, sequence and queue limits, prefix caching
 * @param blockSize         tokens per KV block
 * @param kvCacheBytes      KV-cache memory budget (0 = derive from the heap, see {@link #resolveKvBytes})
 * @param contextLength     per-sequence context limit (0 = the model's)
 * @param endOfGenerationIds token ids that end generation unless a request ignores EOS
 * @param spec              speculative decoding defaults
 * @param maxStepMillis     while sequences decode, size prefill chunks so a step takes about this long
 *                          (bounds inter-token latency; 0 = the static token budget only)
 * @param numerics          the matmul kernels' rounding ({@code null}: {@link Numerics#EXACT})
 */
public record CpuEngineConfig(Path model, String modelName, int threads, SchedulerConfig scheduler, int blockSize,
                              long kvCacheBytes, int contextLength, int[] endOfGenerationIds, SpecConfig spec,
                              int maxStepMillis, Numerics numerics) {

    public CpuEngineConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(scheduler, "scheduler");
        if (blockSize < 1 || threads < 0 || kvCacheBytes < 0 || contextLength < 0) {
            throw new IllegalArgumentException("invalid CPU engine limits");
        }
        endOfGenerationIds = endOfGenerationIds == null ? new int[0] : endOfGenerationIds.clone();
        spec = spec == null ? SpecConfig.OFF : spec;
        numerics = numerics == null ? Numerics.EXACT : numerics;
    }

    public CpuEngineConfig(Path model, String modelName, int threads, SchedulerConfig scheduler, int blockSize,
                           long kvCacheBytes, int contextLength, int[] endOfGenerationIds, SpecConfig spec,
                           int maxStepMillis) {
        this(model, modelName, threads, scheduler, blockSize, kvCacheBytes, contextLength, endOfGenerationIds, spec,
                maxStepMillis, Numerics.EXACT);
    }

    public CpuEngineConfig withNumerics(Numerics n) {
        return new CpuEngineConfig(model, modelName, threads, scheduler, blockSize, kvCacheBytes, contextLength,
                endOfGenerationIds, spec, maxStepMillis, n);
    }

    public CpuEngineConfig(Path model, String modelName, int threads, SchedulerConfig scheduler, int blockSize,
                           long kvCacheBytes, int contextLength, int[] endOfGenerationIds) {
        this(model, modelName, threads, scheduler, blockSize, kvCacheBytes, contextLength, endOfGenerationIds,
                SpecConfig.OFF, DEFAULT_MAX_STEP_MILLIS);
    }

    public CpuEngineConfig withSpec(SpecConfig s) {
        return new CpuEngineConfig(model, modelName, threads, scheduler, blockSize, kvCacheBytes, contextLength,
                endOfGenerationIds, s, maxStepMillis, numerics);
    }

    /** Default step-duration target while decoding: inter-token latency p99 stays under ~0.25 s. */
    public static final int DEFAULT_MAX_STEP_MILLIS = 200;

    public CpuEngineConfig(Path model, String modelName, int threads, SchedulerConfig scheduler, int blockSize,
                           long kvCacheBytes, int contextLength, int[] endOfGenerationIds, SpecConfig spec) {
        this(model, modelName, threads, scheduler, blockSize, kvCacheBytes, contextLength, endOfGenerationIds, spec,
                DEFAULT_MAX_STEP_MILLIS);
    }

    public CpuEngineConfig withMaxStepMillis(int ms) {
        return new CpuEngineConfig(model, modelName, threads, scheduler, blockSize, kvCacheBytes, contextLength,
                endOfGenerationIds, spec, ms, numerics);
    }

    public static CpuEngineConfig of(Path model, int[] eogIds) {
        return new CpuEngineConfig(model, null, 0, SchedulerConfig.defaults(), 16, 0, 0, eogIds);
    }

    public CpuEngineConfig withScheduler(SchedulerConfig s) {
        return new CpuEngineConfig(model, modelName, threads, s, blockSize, kvCacheBytes, contextLength,
                endOfGenerationIds, spec, maxStepMillis, numerics);
    }

    public CpuEngineConfig withKvCacheBytes(long bytes) {
        return new CpuEngineConfig(model, modelName, threads, scheduler, blockSize, bytes, contextLength,
                endOfGenerationIds, spec, maxStepMillis, numerics);
    }

    public CpuEngineConfig withThreads(int n) {
        return new CpuEngineConfig(model, modelName, n, scheduler, blockSize, kvCacheBytes, contextLength,
                endOfGenerationIds, spec, maxStepMillis, numerics);
    }

    public CpuEngineConfig withContextLength(int n) {
        return new CpuEngineConfig(model, modelName, threads, scheduler, blockSize, kvCacheBytes, n,
                endOfGenerationIds, spec, maxStepMillis, numerics);
    }

    public CpuEngineConfig withModelName(String name) {
        return new CpuEngineConfig(model, name, threads, scheduler, blockSize, kvCacheBytes, contextLength,
                endOfGenerationIds, spec, maxStepMillis, numerics);
    }

    public int resolvedThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /**
     * The KV budget: the configured bytes, else 30% of the maximum heap — but never more than every
     * sequence slot at full context needs.
     */
    public long resolveKvBytes(long bytesPerToken, int context) {
        if (kvCacheBytes > 0) {
            return kvCacheBytes;
        }
        long fromHeap = (long) (Runtime.getRuntime().maxMemory() * 0.30);
        long maxUseful = bytesPerToken * context * (long) scheduler.maxSequences();
        return Math.min(fromHeap, maxUseful);
    }
}
