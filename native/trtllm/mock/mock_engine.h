// A CPU-only test double of TensorRT-LLM's Executor behind the shim ABI. It behaves like the real
// thing where the Java side can observe it: an engine thread runs "iterations" (in-flight batching
// with a batch-size cap, chunked context under a token budget, guaranteed-no-evict KV admission,
// prefix reuse), a bounded request queue, streaming records with cumulative perf metrics,
// cancellation that still yields a final CANCELLED record, timeouts, and injected failures.
// Tokens are a deterministic function of the prompt (and the seed when sampling), so greedy and
// seeded requests repeat exactly. It computes nothing real and must never serve traffic.
#pragma once

#include "../common/shim_common.h"
#include "mock_config.h"
#include "mock_kv.h"

#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace tls::mock {

struct MockRequest {
    uint64_t id = 0;
    RequestSpec spec;
    int32_t max_new = 0;   // max_tokens capped by max_seq_len
    uint64_t key = 0;      // seeds the token stream
    int32_t reserved = 0;  // KV blocks reserved at admission
    int64_t arrival_ns = 0;
    int64_t scheduled_ns = 0;
    int64_t first_token_ns = 0;
    int64_t last_token_ns = 0;
    int32_t computed = 0;  // prompt tokens in the KV cache (reused + computed)
    std::vector<uint64_t> block_hashes;
    int32_t reused_blocks = 0;
    int32_t prompt_blocks = 0;
    std::vector<int32_t> output;
    std::vector<float> logprobs;
    size_t sent = 0;       // output tokens already put in records
    uint32_t iterations = 0;
    int32_t drafted = 0;
    int32_t accepted = 0;
    bool finished = false; // final record pushed; leaves active_ at the end of the iteration

    bool context_done() const noexcept { return computed >= static_cast<int32_t>(spec.input.size()); }
};

class MockEngine {
public:
    MockEngine(const tls_engine_config& config, MockConfig model);
    ~MockEngine();
    MockEngine(const MockEngine&) = delete;
    MockEngine& operator=(const MockEngine&) = delete;

    void info(tls_engine_info* out) const;
    uint64_t enqueue(const tls_request* request);
    void cancel(uint64_t id);
    void poll(uint32_t timeout_ms, uint8_t* buf, uint64_t capacity, tls_poll_result* out);
    void wake();
    void stats(tls_stats* out);
    uint32_t iteration_stats(tls_iter_stats* out, uint32_t capacity);
    void shutdown();

private:
    void run();
    void iterate(int64_t now);
    void schedule(int64_t now);
    void admit(MockRequest& r, int64_t now);
    void produce(MockRequest& r, int32_t count, int64_t now);
    bool emit_token(MockRequest& r, int32_t token, int64_t now);
    int32_t next_token(const MockRequest& r, size_t position) const;
    bool hits_stop(const MockRequest& r) const;
    void finish(MockRequest& r, uint8_t reason, const std::string& error, int64_t now);
    void push_record(MockRequest& r, uint16_t flags, uint8_t reason, const std::string& error);
    int32_t used_blocks() const;
    bool overdue(const MockRequest& r, int64_t now) const;
    bool random_sampling(const RequestSpec& s) const;

    const MockConfig model_;
    const int32_t max_batch_;
    const int32_t max_tokens_per_iter_;
    const int32_t max_queue_;
    const int32_t iter_stats_max_;
    const bool chunked_context_;
    const int32_t decoding_mode_;
    const int32_t draft_len_;
    KvPool kv_;

    mutable std::mutex mu_;
    std::condition_variable work_cv_;
    std::condition_variable ready_cv_;
    std::list<std::unique_ptr<MockRequest>> queued_;
    std::list<std::unique_ptr<MockRequest>> active_;
    std::unordered_set<uint64_t> cancels_;
    std::deque<Record> ready_;
    std::deque<tls_iter_stats> iter_stats_;
    bool wake_ = false;
    bool stopping_ = false;
    bool poll_fail_pending_ = false;
    uint64_t next_id_ = 1;
    uint64_t unseeded_ = 0;
    uint64_t iterations_ = 0;
    uint64_t enqueued_ = 0;
    uint64_t finals_polled_ = 0;
    int64_t reused_total_ = 0;
    int64_t missed_total_ = 0;
    std::thread thread_;
};

} // namespace tls::mock
