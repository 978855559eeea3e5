#include "mock_engine.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace tls::mock {
namespace {

uint64_t prompt_key(const std::vector<int32_t>& input) {
    uint64_t h = 0xC0FFEEull;
    for (int32_t t : input) {
        h = splitmix64(h ^ static_cast<uint32_t>(t));
    }
    return h;
}

uint32_t float_bits(float f) {
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

} // namespace

MockEngine::MockEngine(const tls_engine_config& c, MockConfig model)
    : model_(std::move(model)),
      max_batch_(c.max_batch_size > 0 ? std::min(c.max_batch_size, model_.max_batch_size) : model_.max_batch_size),
      max_tokens_per_iter_(c.max_num_tokens > 0 ? std::min(c.max_num_tokens, model_.max_num_tokens)
                                                : model_.max_num_tokens),
      max_queue_(c.max_queue_size),
      iter_stats_max_(c.iter_stats_max),
      chunked_context_(c.enable_chunked_context != 0),
      decoding_mode_(model_.spec_draft_len > 0
                         ? (c.decoding_mode != TLS_DECODING_AUTO ? c.decoding_mode : TLS_DECODING_LOOKAHEAD)
                         : TLS_DECODING_AUTO),
      draft_len_(model_.spec_draft_len),
      kv_(model_.kv_blocks, model_.tokens_per_block, c.kv_enable_block_reuse != 0) {
    if (c.decoding_mode != TLS_DECODING_AUTO && model_.spec_draft_len == 0) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT,
                            "decoding_mode " + std::to_string(c.decoding_mode)
                                + " needs an engine built for speculative decoding (mock: spec_draft_len)");
    }
    thread_ = std::thread([this] { run(); });
}

MockEngine::~MockEngine() { shutdown(); }

void MockEngine::info(tls_engine_info* out) const {
    out->warnings = "this is the CPU mock of TensorRT-LLM (a test double)";
    out->vocab_size = model_.vocab_size;
    out->max_batch_size = max_batch_;
    out->max_num_tokens = max_tokens_per_iter_;
    out->max_input_len = model_.max_seq_len - 1;
    out->max_seq_len = model_.max_seq_len;
    out->max_beam_width = 1;
    out->tokens_per_block = model_.tokens_per_block;
    out->kv_max_blocks = model_.kv_blocks;
    out->kv_block_reuse = kv_.reuse() ? 1 : 0;
    out->decoding_mode = decoding_mode_;
    out->max_draft_len = draft_len_;
    out->capabilities = TLS_CAP_MISSED_BLOCKS | TLS_CAP_HIT_RATE | TLS_CAP_SPEC_METRICS | TLS_CAP_CACHE_SALT
                        | TLS_CAP_TIMED_OUT;
}

uint64_t MockEngine::enqueue(const tls_request* request) {
    RequestSpec spec = copy_request(request, model_.vocab_size);
    int32_t prompt = static_cast<int32_t>(spec.input.size());
    if (prompt >= model_.max_seq_len) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT, "prompt length " + std::to_string(prompt)
                                                          + " exceeds the engine's max input length "
                                                          + std::to_string(model_.max_seq_len - 1));
    }
    if (!chunked_context_ && prompt > max_tokens_per_iter_) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT, "prompt longer than max_num_tokens needs chunked context");
    }
    if (spec.input[0] == model_.fail_enqueue_token) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT, "mock: injected enqueue failure");
    }
    auto r = std::make_unique<MockRequest>();
    r->max_new = std::min(spec.max_tokens, model_.max_seq_len - prompt);
    r->arrival_ns = steady_now_ns();
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
        throw ShimException(TLS_ERR_SHUT_DOWN, "the engine is shut down");
    }
    if (max_queue_ > 0 && static_cast<int32_t>(queued_.size()) >= max_queue_) {
        throw ShimException(TLS_ERR_QUEUE_FULL, "Maximum queue size of " + std::to_string(max_queue_)
                                                    + " has been reached, please try again later");
    }
    uint64_t key = prompt_key(spec.input);
    if (random_sampling(spec)) {
        key = spec.has(TLS_SAMPLING_SEED)
                  ? splitmix64(key ^ spec.seed ^ (uint64_t(float_bits(spec.temperature)) << 32))
                  : splitmix64(key ^ ++unseeded_ ^ static_cast<uint64_t>(r->arrival_ns));
    }
    r->key = key;
    r->id = next_id_++;
    if (spec.input[0] == model_.poll_fail_token) {
        poll_fail_pending_ = true;
    }
    r->spec = std::move(spec);
    uint64_t id = r->id;
    queued_.push_back(std::move(r));
    enqueued_++;
    work_cv_.notify_one();
    return id;
}

bool MockEngine::random_sampling(const RequestSpec& s) const {
    bool top1 = s.has(TLS_SAMPLING_TOP_K) && s.top_k == 1;
    return !top1 && s.has(TLS_SAMPLING_TEMPERATURE) && s.temperature > 0.0f;
}

void MockEngine::cancel(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
        return;
    }
    cancels_.insert(id);
    work_cv_.notify_one();
}

void MockEngine::poll(uint32_t timeout_ms, uint8_t* buf, uint64_t capacity, tls_poll_result* out) {
    if (buf == nullptr && capacity > 0) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT, "poll buffer is null");
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (poll_fail_pending_) {
        poll_fail_pending_ = false;
        throw ShimException(TLS_ERR_INTERNAL, "mock: injected poll failure");
    }
    ready_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                       [this] { return !ready_.empty() || wake_ || stopping_; });
    wake_ = false;
    if (stopping_) {
        throw ShimException(TLS_ERR_SHUT_DOWN, "the engine is shut down");
    }
    tls_error* err = drain_records(ready_, buf, capacity, out, &finals_polled_);
    if (err != nullptr) {
        ShimException e(err->code, err->message);
        tls_error_free(err);
        throw e;
    }
}

void MockEngine::wake() {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
    ready_cv_.notify_all();
}

void MockEngine::stats(tls_stats* out) {
    std::lock_guard<std::mutex> lock(mu_);
    out->active_requests = static_cast<int32_t>(active_.size());
    out->queued_requests = static_cast<int32_t>(queued_.size());
    out->kv_max_blocks = kv_.total();
    out->kv_used_blocks = used_blocks();
    out->kv_free_blocks = kv_.total() - out->kv_used_blocks;
    out->kv_tokens_per_block = kv_.tokens_per_block();
    out->kv_hit_rate = reused_total_ + missed_total_ == 0
                           ? 0.0f
                           : static_cast<float>(reused_total_) / static_cast<float>(reused_total_ + missed_total_);
    out->iterations = iterations_;
    out->kv_reused_blocks = reused_total_;
    out->kv_missed_blocks = missed_total_;
    out->gpu_mem_bytes = -1;
    out->in_flight = enqueued_ - finals_polled_;
}

uint32_t MockEngine::iteration_stats(tls_iter_stats* out, uint32_t capacity) {
    std::lock_guard<std::mutex> lock(mu_);
    uint32_t n = 0;
    while (n < capacity && !iter_stats_.empty()) {
        out[n++] = iter_stats_.front();
        iter_stats_.pop_front();
    }
    return n;
}

void MockEngine::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_ && !thread_.joinable()) {
            return;
        }
        stopping_ = true;
        work_cv_.notify_all();
        ready_cv_.notify_all();
    }
    if (thread_.joinable()) {
        thread_.join();
    }
    std::lock_guard<std::mutex> lock(mu_);
    queued_.clear();
    active_.clear();
    ready_.clear();
}

void MockEngine::run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
        // Sleep until there is work: an idle engine costs nothing (no busy loop).
        work_cv_.wait(lock, [this] { return stopping_ || !queued_.empty() || !active_.empty() || !cancels_.empty(); });
        if (stopping_) {
            return;
        }
        lock.unlock();
        if (model_.step_us > 0) {
            std::this_thread::sleep_for(std::chrono::microseconds(model_.step_us)); // the "GPU" time
        }
        lock.lock();
        if (stopping_) {
            return;
        }
        size_t before = ready_.size();
        iterate(steady_now_ns());
        if (ready_.size() != before) {
            ready_cv_.notify_all();
        }
    }
}

int32_t MockEngine::used_blocks() const {
    int32_t used = 0;
    for (const auto& r : active_) {
        used += kv_.blocks_for(static_cast<int64_t>(r->computed) + static_cast<int64_t>(r->output.size()));
    }
    return used;
}

bool MockEngine::overdue(const MockRequest& r, int64_t now) const {
    return r.spec.allotted_time_ms > 0 && now - r.arrival_ns >= r.spec.allotted_time_ms * 1'000'000;
}

} // namespace tls::mock
