/*
 * trtllm_shim.h — the C ABI between llmstream (Java, through JavaCPP) and TensorRT-LLM's C++
 * Executor (tensorrt_llm::executor::Executor, TensorRT-LLM 1.2.x).
 *
 * Why a C shim: the Executor API is C++ with std::optional/variant/list/filesystem/chrono in its
 * signatures and changes shape between releases. This header is plain C — opaque handles, structs of
 * fixed-width integers, floats, pointers and lengths (no bitfields, no unions) — so JavaCPP maps it
 * trivially and Java FFM could map it too.
 *
 * Two implementations exist and export exactly these symbols from libtrtllm_shim.so:
 *   - src/   the real one over the Executor (needs the TensorRT-LLM release container);
 *   - mock/  a CPU-only test double with deterministic token streams (tls_is_mock() == 1).
 *
 * Conventions
 *   - Functions that can fail return a tls_error* (NULL = success). The caller owns it and frees it
 *     with tls_error_free(). No C++ exception ever crosses this boundary.
 *   - Every config struct starts with `size` and has a *_defaults() initialiser; always call it
 *     first, then overwrite fields. The shim rejects a struct smaller than the one it was built with.
 *   - Every array comes with its length; the shim copies everything it needs out of request
 *     structs before tls_enqueue returns.
 *   - Timestamps are nanoseconds of the shim's steady (monotonic) clock; tls_clock_pair() samples it
 *     together with the Unix clock so callers can convert.
 *   - Thread safety: tls_enqueue, tls_cancel, tls_wake and tls_stats may be called from any thread.
 *     tls_poll and tls_iteration_stats drain shared state: call each from ONE thread only.
 */
#ifndef TRTLLM_SHIM_H
#define TRTLLM_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any change to a struct layout, the poll record format or a function signature. */
#define TRTLLM_SHIM_ABI_VERSION 1

#if defined(__GNUC__)
#define TLS_API __attribute__((visibility("default")))
#else
#define TLS_API
#endif

/* ---------------------------------------------------------------- handles and errors */

typedef struct tls_engine tls_engine; /* one Executor (or one mock engine) */
typedef struct tls_error tls_error;   /* code + message, freed with tls_error_free */

#define TLS_OK 0
#define TLS_ERR_INVALID_ARGUMENT 1  /* a struct field or argument is out of range */
#define TLS_ERR_ENGINE_DIR 2        /* engine directory missing or not a trtllm-build output */
#define TLS_ERR_VERSION 3           /* engine built by another TensorRT-LLM, or ABI mismatch */
#define TLS_ERR_OUT_OF_MEMORY 4     /* CUDA or host allocation failed */
#define TLS_ERR_MPI 5               /* MPI initialisation failed */
#define TLS_ERR_QUEUE_FULL 6        /* max_queue_size reached: retry later (HTTP 429) */
#define TLS_ERR_SHUT_DOWN 7         /* the engine is shut down */
#define TLS_ERR_BUFFER_TOO_SMALL 8  /* one poll record does not fit: see tls_poll_result.bytes */
#define TLS_ERR_CUDA 9              /* no usable GPU / driver */
#define TLS_ERR_INTERNAL 10         /* anything else the Executor threw */

TLS_API int32_t tls_error_code(const tls_error* error);
/* UTF-8, never NULL for a non-NULL error; valid until tls_error_free. */
TLS_API const char* tls_error_message(const tls_error* error);
TLS_API void tls_error_free(tls_error* error);

/* ---------------------------------------------------------------- library identity */

TLS_API uint32_t tls_abi_version(void);
/* "TensorRT-LLM <version>" for the real shim, "mock <abi>" for the test double. Static storage. */
TLS_API const char* tls_version(void);
/* 1 in the CPU mock (a test double: never serve traffic with it), 0 in the real shim. */
TLS_API int32_t tls_is_mock(void);
/* Samples the steady clock used in every timestamp and the Unix clock, back to back. */
TLS_API void tls_clock_pair(int64_t* steady_ns, int64_t* unix_ns);

/* ---------------------------------------------------------------- engine lifecycle */

#define TLS_CAPACITY_MAX_UTILIZATION 0
#define TLS_CAPACITY_GUARANTEED_NO_EVICT 1

#define TLS_DECODING_AUTO 0           /* whatever the engine was built for (no speculation) */
#define TLS_DECODING_MEDUSA 1
#define TLS_DECODING_EAGLE 2
#define TLS_DECODING_LOOKAHEAD 3
#define TLS_DECODING_EXTERNAL_DRAFT 4 /* draft/target: draft tokens come with each request */
#define TLS_DECODING_EXPLICIT_DRAFT 5 /* ReDrafter-style engines */

typedef struct tls_engine_config {
    uint32_t size;        /* sizeof(tls_engine_config); set by tls_engine_config_defaults */
    uint32_t abi_version; /* TRTLLM_SHIM_ABI_VERSION; set by tls_engine_config_defaults */
    const char* engine_dir; /* required: a trtllm-build output directory (copied) */
    /* batching; numeric caps can only lower what the engine was built with */
    int32_t max_beam_width;         /* 1 */
    int32_t max_batch_size;         /* <= 0: the engine's */
    int32_t max_num_tokens;         /* <= 0: the engine's */
    int32_t capacity_policy;        /* TLS_CAPACITY_GUARANTEED_NO_EVICT */
    int32_t enable_chunked_context; /* 1 */
    int32_t max_queue_size;         /* <= 0: unbounded; above it tls_enqueue fails QUEUE_FULL */
    int32_t iter_stats_max;         /* 1000 iterations of stats kept */
    int32_t request_stats_max;      /* 0 (per-request stats cost a pass over all requests) */
    /* KV cache */
    int32_t kv_enable_block_reuse;   /* 1: prefix caching (needs paged context attention) */
    int32_t kv_enable_partial_reuse; /* 1 */
    float kv_free_gpu_mem_fraction;  /* 0.9 */
    int32_t kv_max_tokens;           /* <= 0: unset (fraction decides) */
    int64_t kv_host_cache_bytes;     /* 0: no host offload of reusable blocks */
    int64_t kv_event_buffer_size;    /* 0: KV events off */
    /* speculative decoding (the mode is a build-time property of the engine) */
    int32_t decoding_mode;                /* TLS_DECODING_AUTO */
    uint32_t medusa_choice_count;         /* number of tree paths */
    const int32_t* medusa_choice_values;  /* all paths, concatenated */
    const int32_t* medusa_choice_offsets; /* medusa_choice_count + 1 entries, [0] = 0, last = values_len */
    const int32_t* eagle_choice_values;   /* EAGLE-1 tree, same layout */
    const int32_t* eagle_choice_offsets;
    uint32_t eagle_choice_count;
    uint32_t medusa_choice_values_len;    /* entries in medusa_choice_values */
    uint32_t eagle_choice_values_len;     /* entries in eagle_choice_values */
    int32_t eagle_use_dynamic_tree;       /* 1: EAGLE-2 */
    int32_t eagle_greedy;                 /* 1: greedy acceptance; 0: typical acceptance */
    float eagle_posterior_threshold;      /* <= 0: unset */
    int32_t eagle_dynamic_tree_max_top_k; /* <= 0: unset */
    int32_t lookahead_window;             /* <= 0: 4 */
    int32_t lookahead_ngram;              /* <= 0: 3 */
    int32_t lookahead_verification_set;   /* <= 0: 4 */
    /* performance knobs */
    int32_t cuda_graph_mode;       /* 0 */
    int32_t cuda_graph_cache_size; /* 0 */
    int32_t multi_block_mode;      /* 1 */
    int32_t device_id;             /* < 0: the current CUDA device */
} tls_engine_config;

#define TLS_CAP_MISSED_BLOCKS 1u  /* per-request numMissedBlocks is real (else -1) */
#define TLS_CAP_HIT_RATE 2u       /* per-request kvCacheHitRate is real (else -1) */
#define TLS_CAP_SPEC_METRICS 4u   /* per-request acceptance metrics are real */
#define TLS_CAP_CACHE_SALT 8u     /* tls_request.cache_salt is honoured (else ignored) */
#define TLS_CAP_TIMED_OUT 16u     /* allotted_time_ms is honoured */

typedef struct tls_engine_info {
    uint32_t size;
    uint32_t abi_version;
    const char* trtllm_version; /* static storage */
    const char* warnings;       /* "" or "; "-separated notes; valid until tls_engine_destroy */
    int32_t is_mock;
    int32_t vocab_size;
    int32_t max_batch_size;
    int32_t max_num_tokens;
    int32_t max_input_len;
    int32_t max_seq_len;
    int32_t max_beam_width;
    int32_t tokens_per_block;
    int32_t kv_max_blocks;  /* -1 until the engine has reported it */
    int32_t kv_block_reuse; /* 1 when prefix caching is on */
    int32_t decoding_mode;  /* TLS_DECODING_* actually active */
    int32_t max_draft_len;  /* 0 without speculation */
    uint32_t capabilities;  /* TLS_CAP_* */
    uint32_t reserved;
} tls_engine_info;

TLS_API void tls_engine_config_defaults(tls_engine_config* config);
/* Registers the TensorRT-LLM plugins once per process, builds the ExecutorConfig and loads the
 * engine. Blocking (seconds to minutes). On failure *out is NULL. */
TLS_API tls_error* tls_engine_create(const tls_engine_config* config, tls_engine** out);
TLS_API tls_error* tls_engine_get_info(tls_engine* engine, tls_engine_info* out);
/* Blocking: rejects new requests, cancels the ones in flight and stops the Executor. Responses not
 * yet polled are dropped. Idempotent. */
TLS_API tls_error* tls_engine_shutdown(tls_engine* engine);
/* Frees the engine; calls tls_engine_shutdown first if needed. NULL is ignored. */
TLS_API void tls_engine_destroy(tls_engine* engine);

/* ---------------------------------------------------------------- requests */

#define TLS_SAMPLING_TEMPERATURE 1u
#define TLS_SAMPLING_TOP_K 2u
#define TLS_SAMPLING_TOP_P 4u
#define TLS_SAMPLING_MIN_P 8u
#define TLS_SAMPLING_SEED 16u
#define TLS_SAMPLING_MIN_TOKENS 32u
#define TLS_SAMPLING_REPETITION_PENALTY 64u
#define TLS_SAMPLING_PRESENCE_PENALTY 128u
#define TLS_SAMPLING_FREQUENCY_PENALTY 256u
#define TLS_SAMPLING_NUM_RETURN_SEQUENCES 512u

typedef struct tls_request {
    uint32_t size;         /* sizeof(tls_request); set by tls_request_defaults */
    uint32_t sampling_set; /* TLS_SAMPLING_* bits: fields not set stay engine defaults */
    uint64_t client_id;    /* the caller's correlation id, echoed in every poll record */
    const int32_t* input_tokens;
    uint32_t num_input_tokens;
    int32_t max_tokens;
    int32_t streaming; /* 1 (the default): a record per iteration with the new tokens only */
    int32_t end_id;    /* < 0: unset. One id only; other end tokens go in stop sequences */
    int32_t pad_id;    /* < 0: unset */
    uint32_t num_stop_sequences;
    const int32_t* stop_tokens;  /* token-id sequences, concatenated (num_stop_tokens entries) */
    const int32_t* stop_offsets; /* num_stop_sequences + 1 entries, [0] = 0, non-decreasing, last = num_stop_tokens */
    const int32_t* bad_tokens;   /* same layout: sequences never to generate */
    const int32_t* bad_offsets;
    uint32_t num_bad_sequences;
    uint32_t num_stop_tokens;
    uint32_t num_bad_tokens;
    float temperature;
    float top_p;
    float min_p;
    float repetition_penalty;
    float presence_penalty;
    float frequency_penalty;
    int32_t top_k;
    int32_t min_tokens;
    int32_t num_return_sequences;
    uint64_t seed;
    int32_t return_log_probs;
    float priority;           /* 0..1 (higher first); < 0: the Executor default 0.5 */
    int64_t allotted_time_ms; /* <= 0: none; else finish reason TIMED_OUT after it */
    uint64_t cache_salt;      /* with has_cache_salt: prefix reuse only among equal salts */
    int32_t has_cache_salt;
    uint32_t num_logit_bias; /* sparse additive logit bias, densified to an embedding bias */
    const int32_t* logit_bias_ids;
    const float* logit_bias_values;
    int32_t lookahead_window; /* all three > 0: per-request lookahead override */
    int32_t lookahead_ngram;
    int32_t lookahead_verification_set;
    uint32_t num_draft_tokens; /* draft/target: externally supplied draft tokens */
    const int32_t* draft_tokens;
    float draft_acceptance_threshold; /* <= 0: unset */
    int32_t retention_token_end;      /* > 0: keep KV blocks of tokens [0, end) at retention_priority */
    int32_t retention_priority;       /* 0..100 */
    int32_t reserved;
    int64_t retention_duration_ms; /* <= 0: no expiry */
} tls_request;

TLS_API void tls_request_defaults(tls_request* request);
/* Validates, copies and enqueues. Does not wait for the GPU. */
TLS_API tls_error* tls_enqueue(tls_engine* engine, const tls_request* request, uint64_t* out_request_id);
/* Asks the engine to stop a request; its final record (finish reason CANCELLED) still arrives.
 * Unknown or finished ids are ignored. */
TLS_API tls_error* tls_cancel(tls_engine* engine, uint64_t request_id);

/* ---------------------------------------------------------------- polling: the hot path */

#define TLS_FINISH_NOT_FINISHED 0
#define TLS_FINISH_END_ID 1
#define TLS_FINISH_STOP_WORDS 2
#define TLS_FINISH_LENGTH 3
#define TLS_FINISH_TIMED_OUT 4
#define TLS_FINISH_CANCELLED 5

#define TLS_RECORD_FINAL 1u          /* last record of the request */
#define TLS_RECORD_SEQUENCE_FINAL 2u /* last record of this sequence_index */
#define TLS_RECORD_ERROR 4u          /* the request failed; error text follows the tokens */
#define TLS_RECORD_PERF 8u           /* the perf block holds real values */
#define TLS_RECORD_LOGPROBS 16u      /* num_tokens float32 log-probabilities follow the tokens */

/*
 * The poll buffer is a sequence of little-endian records, each 8-byte aligned:
 *
 *   off size field                      off size field
 *     0  u32 record_bytes (incl. pad)     40  i64 arrival_ns
 *     4  u16 flags (TLS_RECORD_*)         48  i64 first_scheduled_ns
 *     6  u8  finish_reason                56  i64 first_token_ns
 *     7  u8  reserved                     64  i64 last_token_ns
 *     8  u64 request_id                   72  i32 kv_total_blocks
 *    16  u64 client_id                    76  i32 kv_new_blocks
 *    24  u32 sequence_index               80  i32 kv_reused_blocks
 *    28  u32 decoding_iterations          84  i32 kv_missed_blocks   (-1: unknown)
 *    32  u32 num_tokens                   88  f32 kv_hit_rate        (-1: unknown)
 *    36  u32 error_len (bytes)            92  f32 spec_acceptance_rate
 *                                         96  i32 spec_accepted_tokens
 *                                        100  i32 spec_draft_tokens
 *
 * then num_tokens x i32 token ids, then (TLS_RECORD_LOGPROBS) num_tokens x f32, then error_len
 * bytes of UTF-8, then zero padding to a multiple of 8. Perf values are cumulative for the request.
 */
#define TLS_RECORD_HEADER_BYTES 104
#define TLS_RECORD_MAX_ERROR_BYTES 4096

typedef struct tls_poll_result {
    uint64_t bytes;   /* bytes written; with TLS_ERR_BUFFER_TOO_SMALL: bytes the next record needs */
    uint32_t count;   /* records written */
    uint32_t pending; /* 1: more records are ready, poll again with timeout 0 */
} tls_poll_result;

/* Waits up to timeout_ms for ANY ready responses and serialises as many as fit into buf. Returns
 * early with count 0 after tls_wake. One thread only. */
TLS_API tls_error* tls_poll(tls_engine* engine, uint32_t timeout_ms, uint8_t* buf, uint64_t capacity,
                            tls_poll_result* out);
/* Makes a blocked (or the next) tls_poll return at once. Any thread. */
TLS_API void tls_wake(tls_engine* engine);

/* ---------------------------------------------------------------- statistics (off the hot path) */

typedef struct tls_stats {
    uint32_t size;
    int32_t active_requests; /* gauge */
    int32_t queued_requests; /* gauge */
    int32_t kv_max_blocks;   /* gauge; -1 unknown */
    int32_t kv_free_blocks;  /* gauge; -1 unknown */
    int32_t kv_used_blocks;  /* gauge: blocks held by requests in flight; -1 unknown */
    int32_t kv_tokens_per_block;
    float kv_hit_rate;         /* engine-wide; -1 unknown */
    uint64_t iterations;       /* counter */
    int64_t kv_reused_blocks;  /* counter; -1 unknown */
    int64_t kv_missed_blocks;  /* counter; -1 unknown */
    int64_t gpu_mem_bytes;     /* gauge; -1 unknown */
    uint64_t in_flight;        /* enqueued requests whose final record was not yet polled */
} tls_stats;

typedef struct tls_iter_stats {
    uint64_t iter;
    int64_t end_ns;     /* steady clock: the iteration's end (or when the shim saw it) */
    int64_t latency_ns;
    int32_t active_requests;
    int32_t queued_requests;
    int32_t completed_requests;
    int32_t scheduled_requests;
    int32_t context_requests;
    int32_t generation_requests;
    int32_t paused_requests;
    int32_t context_tokens;
    int32_t kv_used_blocks; /* -1 unknown */
    int32_t kv_max_blocks;  /* -1 unknown */
    int64_t draft_tokens;
    int64_t accepted_tokens;
} tls_iter_stats;

/* A snapshot of gauges and counters. Any thread. */
TLS_API tls_error* tls_stats_get(tls_engine* engine, tls_stats* out);
/* Drains up to capacity iteration records since the last call (oldest first). One thread only. */
TLS_API tls_error* tls_iteration_stats(tls_engine* engine, tls_iter_stats* out, uint32_t capacity,
                                       uint32_t* out_count);

#ifdef __cplusplus
}
#endif

#endif /* TRTLLM_SHIM_H */
