package dev.llmstream.engine.trtllm;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything {@link TrtllmEngine#start} needs. The engine directory fixes most limits at build time
 * ({@code trtllm-build}); the numbers here can only lower them. Defaults follow the design note:
 * in-flight batching, guaranteed-no-evict, chunked context, KV block reuse, 0.9 of free GPU memory.
 *
 * @param engineDir          the {@code trtllm-build} output directory (required)
 * @param modelName          the served model id; null: the engine directory's name
 * @param nativeDir          where {@code libtrtllm_shim.so} and {@code libjniTrtllmShim.so} are; null: the jar
 * @param endOfGenerationIds the tokenizer's end-of-generation ids: the first is the Executor's end id,
 *                           the others become one-token stop sequences (the Executor takes one end id)
 * @param scheduling         batching and queue limits
 * @param kvCache            KV cache sizing and reuse
 * @param speculation        speculative decoding (must match how the engine was built)
 * @param pollTimeoutMillis  longest the poller waits in native code before refreshing stats
 * @param pollBufferBytes    initial size of the poll buffer (grows when a record needs more)
 * @param allowMock          accept the CPU mock shim; tests only, never set by {@code serve}
 */
public record TrtllmConfig(Path engineDir, String modelName, Path nativeDir, int[] endOfGenerationIds,
                           Scheduling scheduling, KvCache kvCache, Speculation speculation, int pollTimeoutMillis,
                           int pollBufferBytes, boolean allowMock) {

    /**
     * @param maxBatchSize     running requests per iteration; 0: the engine's
     * @param maxNumTokens     token budget of one iteration; 0: the engine's
     * @param maxQueueSize     queued requests before {@code submit} throws EngineOverloadedException (> 0)
     * @param guaranteedNoEvict no mid-run preemption (else "max utilisation": more throughput, requests may pause)
     * @param chunkedContext   split long prompts over iterations
     */
    public record Scheduling(int maxBatchSize, int maxNumTokens, int maxQueueSize, boolean guaranteedNoEvict,
                             boolean chunkedContext) {
        public Scheduling {
            if (maxBatchSize < 0 || maxNumTokens < 0) {
                throw new IllegalArgumentException("maxBatchSize and maxNumTokens must be >= 0 (0: the engine's)");
            }
            if (maxQueueSize < 1) {
                throw new IllegalArgumentException("maxQueueSize must be >= 1: " + maxQueueSize);
            }
        }
    }

    /**
     * @param blockReuse         prefix caching (the engine must be built with paged context attention)
     * @param partialReuse       reuse partially matched blocks (copied)
     * @param freeGpuMemFraction share of free GPU memory for the KV cache, (0, 1]
     * @param maxTokens          cap on KV tokens; 0: the fraction decides
     * @param hostCacheBytes     host memory that keeps evicted reusable blocks; 0: none
     */
    public record KvCache(boolean blockReuse, boolean partialReuse, float freeGpuMemFraction, int maxTokens,
                          long hostCacheBytes) {
        public KvCache {
            if (!(freeGpuMemFraction > 0 && freeGpuMemFraction <= 1)) {
                throw new IllegalArgumentException("freeGpuMemFraction must be in (0, 1]: " + freeGpuMemFraction);
            }
            if (maxTokens < 0 || hostCacheBytes < 0) {
                throw new IllegalArgumentException("maxTokens and hostCacheBytes must be >= 0");
            }
        }
    }

    /** Speculative decoding modes of the Executor path (EAGLE-3 lives in the PyTorch backend only). */
    public enum DecodingMode {
        AUTO("none", 0), MEDUSA("medusa", 1), EAGLE("eagle", 2), LOOKAHEAD("lookahead", 3),
        EXTERNAL_DRAFT("draft-target", 4), EXPLICIT_DRAFT("explicit-draft", 5);

        private final String label;
        private final int code;

        DecodingMode(String label, int code) {
            this.label = label;
            this.code = code;
        }

        /** The name {@code EngineInfo.speculation()} reports. */
        public String label() {
            return label;
        }

        /** The shim's {@code TLS_DECODING_*} value. */
        int code() {
            return code;
        }

        static DecodingMode ofCode(int code) {
            for (DecodingMode m : values()) {
                if (m.code == code) {
                    return m;
                }
            }
            return AUTO;
        }
    }

    /**
     * @param mode                 the mode the engine was built for (AUTO: none)
     * @param medusaChoices        the Medusa tree, one path per row (required for MEDUSA)
     * @param eagleChoices         the EAGLE-1 tree (EAGLE without a dynamic tree)
     * @param eagleDynamicTree     EAGLE-2
     * @param lookaheadWindow      lookahead window size; 0: engine default (4)
     * @param lookaheadNgram       n-gram size; 0: engine default (3)
     * @param lookaheadVerificationSet verification set size; 0: engine default (4)
     */
    public record Speculation(DecodingMode mode, int[][] medusaChoices, int[][] eagleChoices, boolean eagleDynamicTree,
                              int lookaheadWindow, int lookaheadNgram, int lookaheadVerificationSet) {
        public static final Speculation NONE = new Speculation(DecodingMode.AUTO, null, null, false, 0, 0, 0);

        public Speculation {
            Objects.requireNonNull(mode, "mode");
            medusaChoices = deepCopy(medusaChoices);
            eagleChoices = deepCopy(eagleChoices);
            if (mode == DecodingMode.MEDUSA && medusaChoices.length == 0) {
                throw new IllegalArgumentException("Medusa needs its choices tree (medusaChoices)");
            }
            if (lookaheadWindow < 0 || lookaheadNgram < 0 || lookaheadVerificationSet < 0) {
                throw new IllegalArgumentException("lookahead sizes must be >= 0");
            }
            for (int[][] tree : new int[][][] {medusaChoices, eagleChoices}) {
                for (int[] path : tree) {
                    if (path.length == 0) {
                        throw new IllegalArgumentException("a speculative tree path is empty");
                    }
                }
            }
        }

        private static int[][] deepCopy(int[][] a) {
            if (a == null) {
                return new int[0][];
            }
            int[][] c = new int[a.length][];
            for (int i = 0; i < a.length; i++) {
                c[i] = Objects.requireNonNull(a[i], "tree path").clone();
            }
            return c;
        }
    }

    public TrtllmConfig {
        Objects.requireNonNull(engineDir, "engineDir");
        Objects.requireNonNull(scheduling, "scheduling");
        Objects.requireNonNull(kvCache, "kvCache");
        Objects.requireNonNull(speculation, "speculation");
        endOfGenerationIds = endOfGenerationIds == null ? new int[0] : endOfGenerationIds.clone();
        if (pollTimeoutMillis < 1 || pollTimeoutMillis > 1000) {
            throw new IllegalArgumentException("pollTimeoutMillis must be in 1..1000: " + pollTimeoutMillis);
        }
        if (pollBufferBytes < 4096) {
            throw new IllegalArgumentException("pollBufferBytes must be >= 4096: " + pollBufferBytes);
        }
    }

    /** The defaults for an engine directory: queue of 1024, no speculation, natives from the jar. */
    public static TrtllmConfig of(Path engineDir) {
        return new TrtllmConfig(engineDir, null, null, new int[0],
                new Scheduling(0, 0, 1024, true, true), new KvCache(true, true, 0.9f, 0, 0L), Speculation.NONE,
                50, 4 << 20, false);
    }

    public String resolvedModelName() {
        if (modelName != null && !modelName.isBlank()) {
            return modelName;
        }
        Path name = engineDir.toAbsolutePath().normalize().getFileName();
        return name == null ? "trtllm" : name.toString();
    }

    @Override
    public int[] endOfGenerationIds() {
        return endOfGenerationIds.clone();
    }

    public TrtllmConfig withModelName(String name) {
        return new TrtllmConfig(engineDir, name, nativeDir, endOfGenerationIds, scheduling, kvCache, speculation,
                pollTimeoutMillis, pollBufferBytes, allowMock);
    }

    public TrtllmConfig withNativeDir(Path dir) {
        return new TrtllmConfig(engineDir, modelName, dir, endOfGenerationIds, scheduling, kvCache, speculation,
                pollTimeoutMillis, pollBufferBytes, allowMock);
    }

    public TrtllmConfig withEndOfGenerationIds(int[] ids) {
        return new TrtllmConfig(engineDir, modelName, nativeDir, ids, scheduling, kvCache, speculation,
                pollTimeoutMillis, pollBufferBytes, allowMock);
    }

    public TrtllmConfig withScheduling(Scheduling s) {
        return new TrtllmConfig(engineDir, modelName, nativeDir, endOfGenerationIds, s, kvCache, speculation,
                pollTimeoutMillis, pollBufferBytes, allowMock);
    }

    public TrtllmConfig withKvCache(KvCache k) {
        return new TrtllmConfig(engineDir, modelName, nativeDir, endOfGenerationIds, scheduling, k, speculation,
                pollTimeoutMillis, pollBufferBytes, allowMock);
    }

    public TrtllmConfig withSpeculation(Speculation s) {
        return new TrtllmConfig(engineDir, modelName, nativeDir, endOfGenerationIds, scheduling, kvCache, s,
                pollTimeoutMillis, pollBufferBytes, allowMock);
    }

    public TrtllmConfig withPolling(int timeoutMillis, int bufferBytes) {
        return new TrtllmConfig(engineDir, modelName, nativeDir, endOfGenerationIds, scheduling, kvCache, speculation,
                timeoutMillis, bufferBytes, allowMock);
    }

    /** Accepts the CPU mock shim: for tests that exercise the JNI path without a GPU. */
    public TrtllmConfig withMockAllowed() {
        return new TrtllmConfig(engineDir, modelName, nativeDir, endOfGenerationIds, scheduling, kvCache, speculation,
                pollTimeoutMillis, pollBufferBytes, true);
    }
}
