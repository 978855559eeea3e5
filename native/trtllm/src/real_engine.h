// The real shim: one tensorrt_llm::executor::Executor per tls_engine.
//
// UNVERIFIED ON HARDWARE. Written against the TensorRT-LLM 1.2.x C++ Executor API (executor.h,
// types.h, runtime/gptJsonConfig.h) but never compiled here: the build machine has no CUDA and no
// TensorRT-LLM. Every call whose exact shape must be checked in the pinned image is listed in
// native/trtllm/README.md ("verify on GPU"). The logic that does not depend on the Executor
// (validation, record format, draining) is shared with the mock and tested through it.
#pragma once

#include "../common/shim_common.h"

#include "tensorrt_llm/executor/executor.h"

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

namespace tls::real {

namespace tle = tensorrt_llm::executor;

// What the engine directory's config.json fixes at build time.
struct EngineFacts {
    int32_t vocab_size = 0;
    int32_t max_batch_size = 0;
    int32_t max_num_tokens = 0;
    int32_t max_input_len = 0;
    int32_t max_seq_len = 0;
    int32_t tokens_per_block = 0;
    int32_t decoding_mode = TLS_DECODING_AUTO; // what the engine was built for
    int32_t max_draft_len = 0;
};

// Reads <engine_dir>/config.json through TensorRT-LLM's own parser.
EngineFacts read_engine_facts(const std::string& engine_dir);

// Builds the ExecutorConfig with setters only (constructor argument lists change between releases).
// Appends notes about ignored or adjusted options to `warnings`.
tle::ExecutorConfig build_executor_config(const tls_engine_config& c, const EngineFacts& facts, std::string& warnings);

// Builds an Executor Request from a validated spec. Fixed on every request: streaming as asked,
// exclude input from output, return perf metrics, return only new tokens.
tle::Request build_request(const RequestSpec& spec, int32_t vocab_size);

// One Executor response as a poll record (beam 0; errors become final error records).
Record to_record(const tle::Response& response);

// Shim capability bits (TLS_CAP_*) this build of the shim provides.
uint32_t capabilities() noexcept;

class RealEngine {
public:
    RealEngine(const tls_engine_config& config, EngineFacts facts);
    ~RealEngine();
    RealEngine(const RealEngine&) = delete;
    RealEngine& operator=(const RealEngine&) = delete;

    void info(tls_engine_info* out) const;
    uint64_t enqueue(const tls_request* request);
    void cancel(uint64_t id);
    void poll(uint32_t timeout_ms, uint8_t* buf, uint64_t capacity, tls_poll_result* out);
    void wake() noexcept { wake_.store(true); }
    void stats(tls_stats* out);
    uint32_t iteration_stats(tls_iter_stats* out, uint32_t capacity);
    void shutdown();

private:
    void drain_executor_stats(); // call with stats_mu_ held

    EngineFacts facts_; // lowered by the runtime caps in the constructor, then fixed
    const int32_t iter_stats_max_;
    const bool block_reuse_;
    std::string warnings_;
    std::unique_ptr<tle::Executor> executor_;

    std::mutex poll_mu_; // one poller; guards pending_
    std::deque<Record> pending_;
    std::atomic<bool> wake_{false};
    std::atomic<bool> shut_down_{false};
    std::atomic<uint64_t> enqueued_{0};
    std::atomic<uint64_t> finals_polled_{0};
    std::mutex shutdown_mu_;

    std::mutex stats_mu_; // guards everything below
    std::deque<tls_iter_stats> iter_buffer_;
    tls_iter_stats latest_{};
    bool have_latest_ = false;
    uint64_t iterations_ = 0;
    int64_t reused_total_ = -1;
    int64_t missed_total_ = -1;
    float hit_rate_ = -1.0f;
    int64_t gpu_mem_ = -1;
    int32_t kv_max_blocks_ = -1;
};

} // namespace tls::real
