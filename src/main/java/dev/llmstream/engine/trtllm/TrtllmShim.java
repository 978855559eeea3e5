package dev.llmstream.engine.trtllm;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByPtrPtr;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.MemberSetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Hand-written JavaCPP mapping of {@code native/trtllm/include/trtllm_shim.h}, one member per C
 * declaration with the C names kept, so a reader can hold this file next to the header. The JavaCPP
 * builder (Maven, {@code process-classes}) generates and compiles {@code libjniTrtllmShim.so} from it,
 * linked against whichever {@code libtrtllm_shim.so} the build chose (the CPU mock for tests, the
 * real one in the GPU image). Nothing here validates input: {@link RequestMapper} and
 * {@link EngineConfigMapper} do, before any call.
 *
 * <p>Loading is explicit ({@link ShimLibrary}), never in a static initialiser, so a missing library
 * is a value the availability probe reports instead of an {@link ExceptionInInitializerError}.
 */
@Platform(value = "linux-x86_64", include = "trtllm_shim.h", link = "trtllm_shim", compiler = "cpp17")
public final class TrtllmShim {
    /** The ABI this mapping was written for ({@code TRTLLM_SHIM_ABI_VERSION}). */
    public static final int ABI_VERSION = 1;

    private TrtllmShim() {
    }

    /** {@code tls_engine}: one Executor (or mock engine). */
    @Opaque
    @Name("tls_engine")
    public static final class Engine extends Pointer {
        public Engine() {
            super((Pointer) null);
        }
    }

    /** {@code tls_error}: code + message, owned by the caller until {@link #tls_error_free}. */
    @Opaque
    @Name("tls_error")
    public static final class ShimError extends Pointer {
        public ShimError() {
            super((Pointer) null);
        }
    }

    /** {@code tls_engine_config}; fill with {@link #tls_engine_config_defaults} first. */
    @Name("tls_engine_config")
    public static final class EngineConfig extends Pointer {
        public EngineConfig() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberGetter public native @Cast("uint32_t") int size();
        @MemberGetter public native @Cast("uint32_t") int abi_version();
        @MemberSetter public native EngineConfig engine_dir(@Cast("const char*") BytePointer v);
        @MemberSetter public native EngineConfig max_beam_width(int v);
        @MemberSetter public native EngineConfig max_batch_size(int v);
        @MemberSetter public native EngineConfig max_num_tokens(int v);
        @MemberSetter public native EngineConfig capacity_policy(int v);
        @MemberSetter public native EngineConfig enable_chunked_context(int v);
        @MemberSetter public native EngineConfig max_queue_size(int v);
        @MemberSetter public native EngineConfig iter_stats_max(int v);
        @MemberSetter public native EngineConfig request_stats_max(int v);
        @MemberSetter public native EngineConfig kv_enable_block_reuse(int v);
        @MemberSetter public native EngineConfig kv_enable_partial_reuse(int v);
        @MemberSetter public native EngineConfig kv_free_gpu_mem_fraction(float v);
        @MemberSetter public native EngineConfig kv_max_tokens(int v);
        @MemberSetter public native EngineConfig kv_host_cache_bytes(@Cast("int64_t") long v);
        @MemberSetter public native EngineConfig kv_event_buffer_size(@Cast("int64_t") long v);
        @MemberSetter public native EngineConfig decoding_mode(int v);
        @MemberSetter public native EngineConfig medusa_choice_count(@Cast("uint32_t") int v);
        @MemberSetter public native EngineConfig medusa_choice_values(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native EngineConfig medusa_choice_offsets(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native EngineConfig eagle_choice_count(@Cast("uint32_t") int v);
        @MemberSetter public native EngineConfig medusa_choice_values_len(@Cast("uint32_t") int v);
        @MemberSetter public native EngineConfig eagle_choice_values_len(@Cast("uint32_t") int v);
        @MemberSetter public native EngineConfig eagle_choice_values(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native EngineConfig eagle_choice_offsets(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native EngineConfig eagle_use_dynamic_tree(int v);
        @MemberSetter public native EngineConfig eagle_greedy(int v);
        @MemberSetter public native EngineConfig eagle_posterior_threshold(float v);
        @MemberSetter public native EngineConfig eagle_dynamic_tree_max_top_k(int v);
        @MemberSetter public native EngineConfig lookahead_window(int v);
        @MemberSetter public native EngineConfig lookahead_ngram(int v);
        @MemberSetter public native EngineConfig lookahead_verification_set(int v);
        @MemberSetter public native EngineConfig cuda_graph_mode(int v);
        @MemberSetter public native EngineConfig cuda_graph_cache_size(int v);
        @MemberSetter public native EngineConfig multi_block_mode(int v);
        @MemberSetter public native EngineConfig device_id(int v);
    }

    /** {@code tls_engine_info}: what the loaded engine can do. */
    @Name("tls_engine_info")
    public static final class EngineInfoStruct extends Pointer {
        public EngineInfoStruct() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberGetter public native @Cast("uint32_t") int abi_version();
        @MemberGetter public native @Cast("const char*") BytePointer trtllm_version();
        @MemberGetter public native @Cast("const char*") BytePointer warnings();
        @MemberGetter public native int is_mock();
        @MemberGetter public native int vocab_size();
        @MemberGetter public native int max_batch_size();
        @MemberGetter public native int max_num_tokens();
        @MemberGetter public native int max_input_len();
        @MemberGetter public native int max_seq_len();
        @MemberGetter public native int max_beam_width();
        @MemberGetter public native int tokens_per_block();
        @MemberGetter public native int kv_max_blocks();
        @MemberGetter public native int kv_block_reuse();
        @MemberGetter public native int decoding_mode();
        @MemberGetter public native int max_draft_len();
        @MemberGetter public native @Cast("uint32_t") int capabilities();
    }

    /** {@code tls_request}; fill with {@link #tls_request_defaults} first. */
    @Name("tls_request")
    public static final class Request extends Pointer {
        public Request() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberSetter public native Request sampling_set(@Cast("uint32_t") int v);
        @MemberSetter public native Request client_id(@Cast("uint64_t") long v);
        @MemberSetter public native Request input_tokens(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native Request num_input_tokens(@Cast("uint32_t") int v);
        @MemberSetter public native Request max_tokens(int v);
        @MemberSetter public native Request streaming(int v);
        @MemberSetter public native Request end_id(int v);
        @MemberSetter public native Request pad_id(int v);
        @MemberSetter public native Request num_stop_sequences(@Cast("uint32_t") int v);
        @MemberSetter public native Request stop_tokens(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native Request stop_offsets(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native Request num_bad_sequences(@Cast("uint32_t") int v);
        @MemberSetter public native Request num_stop_tokens(@Cast("uint32_t") int v);
        @MemberSetter public native Request num_bad_tokens(@Cast("uint32_t") int v);
        @MemberSetter public native Request bad_tokens(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native Request bad_offsets(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native Request temperature(float v);
        @MemberSetter public native Request top_p(float v);
        @MemberSetter public native Request min_p(float v);
        @MemberSetter public native Request repetition_penalty(float v);
        @MemberSetter public native Request presence_penalty(float v);
        @MemberSetter public native Request frequency_penalty(float v);
        @MemberSetter public native Request top_k(int v);
        @MemberSetter public native Request min_tokens(int v);
        @MemberSetter public native Request num_return_sequences(int v);
        @MemberSetter public native Request seed(@Cast("uint64_t") long v);
        @MemberSetter public native Request return_log_probs(int v);
        @MemberSetter public native Request priority(float v);
        @MemberSetter public native Request allotted_time_ms(@Cast("int64_t") long v);
        @MemberSetter public native Request cache_salt(@Cast("uint64_t") long v);
        @MemberSetter public native Request has_cache_salt(int v);
        @MemberSetter public native Request num_logit_bias(@Cast("uint32_t") int v);
        @MemberSetter public native Request logit_bias_ids(@Cast("const int32_t*") IntPointer v);
        @MemberSetter public native Request logit_bias_values(@Cast("const float*") FloatPointer v);
        @MemberSetter public native Request lookahead_window(int v);
        @MemberSetter public native Request lookahead_ngram(int v);
        @MemberSetter public native Request lookahead_verification_set(int v);
    }

    /** {@code tls_poll_result}. */
    @Name("tls_poll_result")
    public static final class PollResult extends Pointer {
        public PollResult() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberGetter public native @Cast("uint64_t") long bytes();
        @MemberGetter public native @Cast("uint32_t") int count();
        @MemberGetter public native @Cast("uint32_t") int pending();
    }

    /** {@code tls_stats}: gauges and counters. */
    @Name("tls_stats")
    public static final class Stats extends Pointer {
        public Stats() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberGetter public native int active_requests();
        @MemberGetter public native int queued_requests();
        @MemberGetter public native int kv_max_blocks();
        @MemberGetter public native int kv_free_blocks();
        @MemberGetter public native int kv_used_blocks();
        @MemberGetter public native int kv_tokens_per_block();
        @MemberGetter public native float kv_hit_rate();
        @MemberGetter public native @Cast("uint64_t") long iterations();
        @MemberGetter public native @Cast("int64_t") long kv_reused_blocks();
        @MemberGetter public native @Cast("int64_t") long kv_missed_blocks();
        @MemberGetter public native @Cast("int64_t") long gpu_mem_bytes();
        @MemberGetter public native @Cast("uint64_t") long in_flight();
    }

    /** An array of {@code tls_iter_stats}; select an element with {@link #position(long)}. */
    @Name("tls_iter_stats")
    public static final class IterStats extends Pointer {
        public IterStats(long n) {
            super((Pointer) null);
            allocateArray(n);
        }

        private native void allocateArray(long n);

        @Override
        public IterStats position(long p) {
            return (IterStats) super.position(p);
        }

        @MemberGetter public native @Cast("uint64_t") long iter();
        @MemberGetter public native @Cast("int64_t") long end_ns();
        @MemberGetter public native @Cast("int64_t") long latency_ns();
        @MemberGetter public native int active_requests();
        @MemberGetter public native int queued_requests();
        @MemberGetter public native int completed_requests();
        @MemberGetter public native int scheduled_requests();
        @MemberGetter public native int context_requests();
        @MemberGetter public native int generation_requests();
        @MemberGetter public native int paused_requests();
        @MemberGetter public native int context_tokens();
        @MemberGetter public native int kv_used_blocks();
        @MemberGetter public native int kv_max_blocks();
        @MemberGetter public native @Cast("int64_t") long draft_tokens();
        @MemberGetter public native @Cast("int64_t") long accepted_tokens();
    }

    public static native @Cast("uint32_t") int tls_abi_version();

    public static native @Cast("const char*") BytePointer tls_version();

    public static native int tls_is_mock();

    public static native void tls_clock_pair(@Cast("int64_t*") LongPointer steadyNs,
                                             @Cast("int64_t*") LongPointer unixNs);

    public static native void tls_engine_config_defaults(EngineConfig config);

    public static native ShimError tls_engine_create(@Const EngineConfig config, @ByPtrPtr Engine out);

    public static native ShimError tls_engine_get_info(Engine engine, EngineInfoStruct out);

    public static native ShimError tls_engine_shutdown(Engine engine);

    public static native void tls_engine_destroy(Engine engine);

    public static native void tls_request_defaults(Request request);

    public static native ShimError tls_enqueue(Engine engine, @Const Request request,
                                               @Cast("uint64_t*") LongPointer outRequestId);

    public static native ShimError tls_cancel(Engine engine, @Cast("uint64_t") long requestId);

    public static native ShimError tls_poll(Engine engine, @Cast("uint32_t") int timeoutMs,
                                            @Cast("uint8_t*") BytePointer buf, @Cast("uint64_t") long capacity,
                                            PollResult out);

    public static native void tls_wake(Engine engine);

    public static native ShimError tls_stats_get(Engine engine, Stats out);

    public static native ShimError tls_iteration_stats(Engine engine, IterStats out, @Cast("uint32_t") int capacity,
                                                       @Cast("uint32_t*") IntPointer outCount);

    public static native int tls_error_code(@Const ShimError error);

    public static native @Cast("const char*") BytePointer tls_error_message(@Const ShimError error);

    public static native void tls_error_free(ShimError error);
}
