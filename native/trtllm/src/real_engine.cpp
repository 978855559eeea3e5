// RealEngine: the Executor's lifecycle, the poll loop and the statistics.
// UNVERIFIED ON HARDWARE: see real_engine.h.
#include "real_engine.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace tls::real {
namespace {

// awaitResponses cannot be interrupted, so a poll waits in slices of at most this long and checks
// for tls_wake / shutdown between them: the cost is one wake-up per slice while idle, no spinning.
constexpr auto kWaitSlice = std::chrono::milliseconds(20);

void note(std::string& warnings, const std::string& text) {
    if (!warnings.empty()) {
        warnings += "; ";
    }
    warnings += text;
}

} // namespace

RealEngine::RealEngine(const tls_engine_config& c, EngineFacts facts)
    : facts_(facts), iter_stats_max_(c.iter_stats_max), block_reuse_(c.kv_enable_block_reuse != 0) {
    tle::ExecutorConfig ec = build_executor_config(c, facts_, warnings_);
    executor_ = std::make_unique<tle::Executor>(std::filesystem::path(c.engine_dir), tle::ModelType::kDECODER_ONLY, ec);
    if (!executor_->canEnqueueRequests()) {
        throw ShimException(TLS_ERR_MPI, "this process is not the MPI leader of the Executor and cannot enqueue");
    }
#ifndef TLS_HAVE_CACHE_SALT
    note(warnings_, "cache_salt is ignored: this TensorRT-LLM has no Request::setCacheSaltID");
#endif
#ifndef TLS_HAVE_MISSED_BLOCKS
    note(warnings_, "per-request missed blocks and hit rate are unavailable (reported as -1)");
#endif
    if (c.max_batch_size > 0) {
        facts_.max_batch_size = std::min(facts_.max_batch_size, c.max_batch_size);
    }
    if (c.max_num_tokens > 0 && facts_.max_num_tokens > 0) {
        facts_.max_num_tokens = std::min(facts_.max_num_tokens, c.max_num_tokens);
    }
}

RealEngine::~RealEngine() {
    try {
        shutdown();
    } catch (...) {
        // a destructor must not throw; shutdown problems were reported by tls_engine_shutdown if called
    }
}

void RealEngine::info(tls_engine_info* out) const {
    out->warnings = warnings_.c_str();
    out->vocab_size = facts_.vocab_size;
    out->max_batch_size = facts_.max_batch_size;
    out->max_num_tokens = facts_.max_num_tokens;
    out->max_input_len = facts_.max_input_len;
    out->max_seq_len = facts_.max_seq_len;
    out->max_beam_width = 1;
    out->tokens_per_block = facts_.tokens_per_block;
    out->kv_max_blocks = -1; // known after the first iteration: see tls_stats_get
    out->kv_block_reuse = block_reuse_ ? 1 : 0;
    out->decoding_mode = facts_.decoding_mode;
    out->max_draft_len = facts_.max_draft_len;
    out->capabilities = capabilities();
}

uint64_t RealEngine::enqueue(const tls_request* request) {
    if (shut_down_.load()) {
        throw ShimException(TLS_ERR_SHUT_DOWN, "the engine is shut down");
    }
    RequestSpec spec = copy_request(request, facts_.vocab_size);
    auto prompt = static_cast<int32_t>(spec.input.size());
    if (facts_.max_input_len > 0 && prompt > facts_.max_input_len) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT, "prompt length " + std::to_string(prompt)
                                                          + " exceeds the engine's max input length "
                                                          + std::to_string(facts_.max_input_len));
    }
    if (facts_.max_seq_len > 0) {
        spec.max_tokens = std::max(1, std::min(spec.max_tokens, facts_.max_seq_len - prompt));
    }
    tle::Request r = build_request(spec, facts_.vocab_size);
    uint64_t id = executor_->enqueueRequest(r);
    enqueued_.fetch_add(1);
    return id;
}

void RealEngine::cancel(uint64_t id) {
    if (!shut_down_.load()) {
        executor_->cancelRequest(id);
    }
}

void RealEngine::poll(uint32_t timeout_ms, uint8_t* buf, uint64_t capacity, tls_poll_result* out) {
    if (buf == nullptr && capacity > 0) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT, "poll buffer is null");
    }
    std::lock_guard<std::mutex> lock(poll_mu_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    // The "any id" await: never the per-request one (awaiting a finished id yields an error response).
    while (pending_.empty()) {
        if (shut_down_.load()) {
            throw ShimException(TLS_ERR_SHUT_DOWN, "the engine is shut down");
        }
        if (wake_.exchange(false)) {
            break;
        }
        auto now = std::chrono::steady_clock::now();
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
        auto slice = std::max(std::chrono::milliseconds(0), std::min(left, kWaitSlice));
        for (const tle::Response& r : executor_->awaitResponses(slice)) {
            pending_.push_back(to_record(r));
        }
        if (left <= std::chrono::milliseconds(0)) {
            break;
        }
    }
    uint64_t finals = 0;
    tls_error* err = drain_records(pending_, buf, capacity, out, &finals);
    finals_polled_.fetch_add(finals);
    if (err != nullptr) {
        ShimException e(err->code, err->message);
        tls_error_free(err);
        throw e;
    }
}

void RealEngine::drain_executor_stats() {
    for (const tle::IterationStats& s : executor_->getLatestIterationStats()) {
        tls_iter_stats it{};
        it.iter = s.iter;
        it.end_ns = steady_now_ns(); // IterationStats::timestamp is a string: use when we saw it
        it.latency_ns = static_cast<int64_t>(s.iterLatencyMS * 1e6);
        it.active_requests = s.numActiveRequests;
        it.queued_requests = s.numQueuedRequests;
        it.completed_requests = s.numCompletedRequests;
        it.kv_used_blocks = -1;
        it.kv_max_blocks = -1;
        if (s.inflightBatchingStats) {
            it.scheduled_requests = s.inflightBatchingStats->numScheduledRequests;
            it.context_requests = s.inflightBatchingStats->numContextRequests;
            it.generation_requests = s.inflightBatchingStats->numGenRequests;
            it.paused_requests = s.inflightBatchingStats->numPausedRequests;
            it.context_tokens = s.inflightBatchingStats->numCtxTokens;
        }
        if (s.kvCacheStats) {
            it.kv_used_blocks = s.kvCacheStats->usedNumBlocks;
            it.kv_max_blocks = s.kvCacheStats->maxNumBlocks;
            kv_max_blocks_ = s.kvCacheStats->maxNumBlocks;
            reused_total_ = s.kvCacheStats->reusedBlocks;
#ifdef TLS_HAVE_MISSED_BLOCKS
            missed_total_ = s.kvCacheStats->missedBlocks;
            hit_rate_ = s.kvCacheStats->cacheHitRate;
#endif
        }
#ifdef TLS_HAVE_SPEC_METRICS
        if (s.specDecodingStats) {
            it.draft_tokens = s.specDecodingStats->numDraftTokens;
            it.accepted_tokens = s.specDecodingStats->numAcceptedTokens;
        }
#endif
        gpu_mem_ = static_cast<int64_t>(s.gpuMemUsage);
        iterations_ = std::max<uint64_t>(iterations_, s.iter + 1);
        latest_ = it;
        have_latest_ = true;
        if (iter_stats_max_ > 0) {
            iter_buffer_.push_back(it);
            while (iter_buffer_.size() > static_cast<size_t>(iter_stats_max_)) {
                iter_buffer_.pop_front();
            }
        }
    }
}

void RealEngine::stats(tls_stats* out) {
    if (shut_down_.load()) {
        throw ShimException(TLS_ERR_SHUT_DOWN, "the engine is shut down");
    }
    std::lock_guard<std::mutex> lock(stats_mu_);
    drain_executor_stats();
    uint64_t in_flight = enqueued_.load() - finals_polled_.load();
    out->in_flight = in_flight;
    out->iterations = iterations_;
    out->kv_max_blocks = kv_max_blocks_;
    out->kv_tokens_per_block = facts_.tokens_per_block;
    out->kv_reused_blocks = reused_total_;
    out->kv_missed_blocks = missed_total_;
    out->kv_hit_rate = hit_rate_;
    out->gpu_mem_bytes = gpu_mem_;
    // The Executor only reports iterations it runs, so an idle engine's last report is stale (it
    // still shows the final iteration's requests). With nothing in flight the gauges are zero.
    bool idle = in_flight == 0 || !have_latest_;
    out->active_requests = idle ? 0 : latest_.active_requests;
    out->queued_requests = idle ? 0 : latest_.queued_requests;
    out->kv_used_blocks = idle ? 0 : latest_.kv_used_blocks;
    out->kv_free_blocks = kv_max_blocks_ < 0 ? -1 : kv_max_blocks_ - std::max(0, out->kv_used_blocks);
}

uint32_t RealEngine::iteration_stats(tls_iter_stats* out, uint32_t capacity) {
    std::lock_guard<std::mutex> lock(stats_mu_);
    if (!shut_down_.load()) {
        drain_executor_stats();
    }
    uint32_t n = 0;
    while (n < capacity && !iter_buffer_.empty()) {
        out[n++] = iter_buffer_.front();
        iter_buffer_.pop_front();
    }
    return n;
}

void RealEngine::shutdown() {
    std::lock_guard<std::mutex> guard(shutdown_mu_);
    if (shut_down_.exchange(true)) {
        return;
    }
    {
        // a poll in progress sees shut_down_ after its current slice and leaves; wait for it
        std::lock_guard<std::mutex> lock(poll_mu_);
        pending_.clear();
    }
    executor_->shutdown(); // blocking: cancels what is left and stops the Executor's threads
}

} // namespace tls::real
