package dev.llmstream.engine.trtllm;

import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * {@link TrtllmConfig} to the shim's {@code tls_engine_config}. The native memory it allocates
 * (engine dir string, choice trees) belongs to the caller's {@code PointerScope}, which must stay
 * open until {@code tls_engine_create} returns (the shim copies what it keeps).
 */
final class EngineConfigMapper {
    private EngineConfigMapper() {
    }

    static TrtllmShim.EngineConfig toNative(TrtllmConfig c) {
        TrtllmShim.EngineConfig n = new TrtllmShim.EngineConfig();
        TrtllmShim.tls_engine_config_defaults(n);
        byte[] dir = c.engineDir().toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        BytePointer dirPtr = new BytePointer(dir.length + 1L);
        dirPtr.put(dir).put(dir.length, (byte) 0);
        n.engine_dir(dirPtr);

        TrtllmConfig.Scheduling s = c.scheduling();
        n.max_batch_size(s.maxBatchSize())
                .max_num_tokens(s.maxNumTokens())
                .max_queue_size(s.maxQueueSize())
                .capacity_policy(s.guaranteedNoEvict() ? 1 : 0)
                .enable_chunked_context(s.chunkedContext() ? 1 : 0);

        TrtllmConfig.KvCache k = c.kvCache();
        n.kv_enable_block_reuse(k.blockReuse() ? 1 : 0)
                .kv_enable_partial_reuse(k.partialReuse() ? 1 : 0)
                .kv_free_gpu_mem_fraction(k.freeGpuMemFraction())
                .kv_max_tokens(k.maxTokens())
                .kv_host_cache_bytes(k.hostCacheBytes());

        TrtllmConfig.Speculation sp = c.speculation();
        n.decoding_mode(sp.mode().code());
        if (sp.medusaChoices().length > 0) {
            Flattened f = Flattened.of(sp.medusaChoices());
            n.medusa_choice_count(f.count()).medusa_choice_values(f.values()).medusa_choice_offsets(f.offsets())
                    .medusa_choice_values_len(f.valuesLength());
        }
        if (sp.eagleChoices().length > 0) {
            Flattened f = Flattened.of(sp.eagleChoices());
            n.eagle_choice_count(f.count()).eagle_choice_values(f.values()).eagle_choice_offsets(f.offsets())
                    .eagle_choice_values_len(f.valuesLength());
        }
        n.eagle_use_dynamic_tree(sp.eagleDynamicTree() ? 1 : 0)
                .lookahead_window(sp.lookaheadWindow())
                .lookahead_ngram(sp.lookaheadNgram())
                .lookahead_verification_set(sp.lookaheadVerificationSet());
        return n;
    }

    /** A list of token paths as the shim's (values, values length, offsets, count), in native memory. */
    record Flattened(IntPointer values, int valuesLength, IntPointer offsets, int count) {
        static Flattened of(int[][] paths) {
            int[] offsets = new int[paths.length + 1];
            for (int i = 0; i < paths.length; i++) {
                offsets[i + 1] = Math.addExact(offsets[i], paths[i].length);
            }
            int[] values = new int[offsets[paths.length]];
            for (int i = 0; i < paths.length; i++) {
                System.arraycopy(paths[i], 0, values, offsets[i], paths[i].length);
            }
            // JavaCPP cannot allocate 0 ints; an unused dummy keeps the pointer valid (length stays 0)
            return new Flattened(new IntPointer(values.length == 0 ? new int[1] : values), values.length,
                    new IntPointer(offsets), paths.length);
        }
    }
}
