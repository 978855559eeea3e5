package dev.llmstream.engine.trtllm;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * One {@code tls_engine} handle and every call on it. Owns the handle's lifetime: calls take a read
 * lock and {@link #destroy()} the write lock, so a late {@code cancel} from a client thread can never
 * touch freed native memory (it gets a SHUT_DOWN error instead). Errors come back as
 * {@link ShimCallException}s; the caller decides what they mean.
 */
final class NativeEngine {
    private final TrtllmShim.Engine handle;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean destroyed;

    private NativeEngine(TrtllmShim.Engine handle) {
        this.handle = handle;
    }

    /** Creates the engine (blocking: loads the TensorRT engine). */
    static NativeEngine create(TrtllmConfig config) {
        try (PointerScope scope = new PointerScope()) {
            TrtllmShim.EngineConfig cfg = EngineConfigMapper.toNative(config);
            TrtllmShim.Engine h = new TrtllmShim.Engine();
            check(TrtllmShim.tls_engine_create(cfg, h));
            if (h.isNull()) {
                throw new ShimCallException(ShimCallException.INTERNAL, "tls_engine_create returned no engine");
            }
            return new NativeEngine(h);
        }
    }

    /** Throws the error (after freeing it) if there is one. */
    static void check(TrtllmShim.ShimError err) {
        if (err == null || err.isNull()) {
            return;
        }
        try {
            int code = TrtllmShim.tls_error_code(err);
            BytePointer msg = TrtllmShim.tls_error_message(err);
            throw new ShimCallException(code, msg == null || msg.isNull() ? "" : msg.getString());
        } finally {
            TrtllmShim.tls_error_free(err);
        }
    }

    /** The static facts of the loaded engine. */
    ShimInfo info() {
        lock.readLock().lock();
        try {
            alive();
            try (PointerScope scope = new PointerScope()) {
                TrtllmShim.EngineInfoStruct i = new TrtllmShim.EngineInfoStruct();
                check(TrtllmShim.tls_engine_get_info(handle, i));
                return new ShimInfo(string(i.trtllm_version()), string(i.warnings()), i.is_mock() == 1,
                        i.vocab_size(), i.max_batch_size(), i.max_num_tokens(), i.max_seq_len(), i.tokens_per_block(),
                        i.kv_max_blocks(), i.kv_block_reuse() == 1,
                        TrtllmConfig.DecodingMode.ofCode(i.decoding_mode()), i.max_draft_len(), i.capabilities());
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Enqueues a validated request; returns the engine's request id. */
    long enqueue(NativeRequest r) {
        lock.readLock().lock();
        try {
            alive();
            try (PointerScope scope = new PointerScope()) {
                TrtllmShim.Request n = new TrtllmShim.Request();
                TrtllmShim.tls_request_defaults(n);
                n.client_id(r.clientId())
                        .input_tokens(new IntPointer(r.input()))
                        .num_input_tokens(r.input().length)
                        .max_tokens(r.maxTokens())
                        .streaming(1)
                        .end_id(r.endId())
                        .sampling_set(r.samplingSet())
                        .temperature(r.temperature())
                        .top_k(r.topK())
                        .top_p(r.topP())
                        .min_p(r.minP())
                        .repetition_penalty(r.repetitionPenalty())
                        .presence_penalty(r.presencePenalty())
                        .frequency_penalty(r.frequencyPenalty())
                        .min_tokens(r.minTokens())
                        .seed(r.seed())
                        .return_log_probs(r.logprobs() ? 1 : 0)
                        .priority(r.priority());
                if (r.stopSequences().length > 0) {
                    EngineConfigMapper.Flattened f = EngineConfigMapper.Flattened.of(r.stopSequences());
                    n.num_stop_sequences(f.count()).stop_tokens(f.values()).stop_offsets(f.offsets())
                            .num_stop_tokens(f.valuesLength());
                }
                if (r.cacheSalt() != 0) {
                    n.has_cache_salt(1).cache_salt(r.cacheSalt());
                }
                if (r.logitBiasIds().length > 0) {
                    n.num_logit_bias(r.logitBiasIds().length)
                            .logit_bias_ids(new IntPointer(r.logitBiasIds()))
                            .logit_bias_values(new FloatPointer(r.logitBiasValues()));
                }
                LongPointer id = new LongPointer(1);
                check(TrtllmShim.tls_enqueue(handle, n, id));
                return id.get();
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    void cancel(long requestId) {
        lock.readLock().lock();
        try {
            alive();
            check(TrtllmShim.tls_cancel(handle, requestId));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Polls into {@code buffer} (the poller's own); blocks up to {@code timeoutMillis}. */
    void poll(int timeoutMillis, BytePointer buffer, TrtllmShim.PollResult result) {
        lock.readLock().lock();
        try {
            alive();
            check(TrtllmShim.tls_poll(handle, timeoutMillis, buffer, buffer.capacity(), result));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Makes a blocked poll return; a no-op once destroyed. */
    void wake() {
        lock.readLock().lock();
        try {
            if (!destroyed) {
                TrtllmShim.tls_wake(handle);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    void stats(TrtllmShim.Stats out) {
        lock.readLock().lock();
        try {
            alive();
            check(TrtllmShim.tls_stats_get(handle, out));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drains up to {@code out}'s capacity of iteration records; returns how many. */
    int iterationStats(TrtllmShim.IterStats out, IntPointer count) {
        lock.readLock().lock();
        try {
            alive();
            check(TrtllmShim.tls_iteration_stats(handle, out.position(0), (int) out.capacity(), count));
            return count.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Shuts the Executor down and frees the handle. Idempotent; blocks until calls in progress end. */
    void destroy() {
        lock.writeLock().lock();
        try {
            if (destroyed) {
                return;
            }
            destroyed = true;
            try {
                check(TrtllmShim.tls_engine_shutdown(handle));
            } finally {
                TrtllmShim.tls_engine_destroy(handle);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void alive() {
        if (destroyed) {
            throw new ShimCallException(ShimCallException.SHUT_DOWN, "the engine is shut down");
        }
    }

    private static String string(BytePointer p) {
        return p == null || p.isNull() ? "" : p.getString();
    }
}
