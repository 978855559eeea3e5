// One mock iteration: cancellations and timeouts, admission, the token budget split between
// decoding requests and context chunks, token production with stop criteria, records, stats.
// Runs on the engine thread with the engine mutex held.
#include "mock_engine.h"

#include <algorithm>
#include <cmath>

namespace tls::mock {
namespace {

constexpr uint16_t kFinalFlags = TLS_RECORD_FINAL | TLS_RECORD_SEQUENCE_FINAL | TLS_RECORD_PERF;

} // namespace

void MockEngine::iterate(int64_t now) {
    int64_t start = now - model_.step_us * 1000;
    // 1. cancellations and timeouts, queued or running
    for (auto* list : {&queued_, &active_}) {
        for (auto it = list->begin(); it != list->end();) {
            MockRequest& r = **it;
            bool cancel = cancels_.erase(r.id) > 0;
            if (cancel || overdue(r, now)) {
                finish(r, cancel ? TLS_FINISH_CANCELLED : TLS_FINISH_TIMED_OUT, "", now);
                if (list == &active_) {
                    kv_.release(r.reserved);
                    if (r.context_done()) {
                        kv_.store(r.block_hashes);
                    }
                }
                it = list->erase(it);
            } else {
                ++it;
            }
        }
    }
    cancels_.clear(); // ids of finished or unknown requests are ignored, as the Executor does

    // 2. admission, then the token budget: decoding requests first, then context chunks
    schedule(now);
    int32_t budget = max_tokens_per_iter_;
    int32_t context_requests = 0;
    int32_t generation_requests = 0;
    int32_t context_tokens = 0;
    int64_t drafted = 0;
    int64_t accepted = 0;
    std::vector<std::pair<MockRequest*, int32_t>> producing;
    for (auto& p : active_) {
        if (p->context_done() && budget > 0) {
            int32_t want = 1 + draft_len_;
            budget -= std::min(budget, want);
            generation_requests++;
            int32_t extra = 0;
            if (draft_len_ > 0) {
                extra = static_cast<int32_t>(splitmix64(p->key ^ (uint64_t(p->iterations) * 0x9E37ull))
                                             % static_cast<uint64_t>(draft_len_ + 1));
                p->drafted += draft_len_;
                p->accepted += extra;
                drafted += draft_len_;
                accepted += extra;
            }
            producing.emplace_back(p.get(), 1 + extra);
        }
    }
    for (auto& p : active_) {
        if (!p->context_done() && budget > 0) {
            int32_t left = static_cast<int32_t>(p->spec.input.size()) - p->computed;
            int32_t chunk = std::min(left, budget);
            p->computed += chunk;
            budget -= chunk;
            context_tokens += chunk;
            context_requests++;
            if (p->context_done()) {
                producing.emplace_back(p.get(), 1); // the context phase yields the first token
            }
        }
    }

    // 3. tokens, stop criteria, records
    for (auto& [r, count] : producing) {
        r->iterations++;
        produce(*r, count, now);
    }
    int32_t completed = 0;
    for (auto it = active_.begin(); it != active_.end();) {
        if ((*it)->finished) {
            kv_.release((*it)->reserved);
            kv_.store((*it)->block_hashes);
            it = active_.erase(it);
            completed++;
        } else {
            ++it;
        }
    }

    iterations_++;
    if (iter_stats_max_ > 0) {
        tls_iter_stats s{};
        s.iter = iterations_;
        s.end_ns = now;
        s.latency_ns = now - start;
        s.active_requests = static_cast<int32_t>(active_.size()) + completed;
        s.queued_requests = static_cast<int32_t>(queued_.size());
        s.completed_requests = completed;
        s.scheduled_requests = context_requests + generation_requests;
        s.context_requests = context_requests;
        s.generation_requests = generation_requests;
        s.context_tokens = context_tokens;
        s.kv_used_blocks = used_blocks();
        s.kv_max_blocks = kv_.total();
        s.draft_tokens = drafted;
        s.accepted_tokens = accepted;
        iter_stats_.push_back(s);
        while (iter_stats_.size() > static_cast<size_t>(iter_stats_max_)) {
            iter_stats_.pop_front();
        }
    }
}

void MockEngine::schedule(int64_t now) {
    while (static_cast<int32_t>(active_.size()) < max_batch_ && !queued_.empty()) {
        // highest priority first, first come first served within a priority (like the Executor)
        auto best = queued_.begin();
        for (auto it = queued_.begin(); it != queued_.end(); ++it) {
            float p = (*it)->spec.priority < 0 ? 0.5f : (*it)->spec.priority;
            float b = (*best)->spec.priority < 0 ? 0.5f : (*best)->spec.priority;
            if (p > b) {
                best = it;
            }
        }
        MockRequest& r = **best;
        int64_t worst = static_cast<int64_t>(r.spec.input.size()) + r.max_new;
        int32_t need = std::min(kv_.blocks_for(worst), kv_.total());
        if (!kv_.reserve(need)) {
            return; // guaranteed no evict: wait until running requests free their blocks
        }
        r.reserved = need;
        admit(r, now);
        active_.push_back(std::move(*best));
        queued_.erase(best);
    }
}

void MockEngine::admit(MockRequest& r, int64_t now) {
    r.scheduled_ns = now;
    int32_t prompt = static_cast<int32_t>(r.spec.input.size());
    r.block_hashes = kv_.block_hashes(r.spec.input, r.spec.has_cache_salt, r.spec.cache_salt);
    int32_t tpb = kv_.tokens_per_block();
    // the last prompt token is always recomputed (it produces the first output's logits)
    int32_t matched = std::min(kv_.match(r.block_hashes), (prompt - 1) / tpb);
    r.reused_blocks = matched;
    r.prompt_blocks = kv_.blocks_for(prompt);
    r.computed = matched * tpb;
    reused_total_ += matched;
    missed_total_ += r.prompt_blocks - matched;
}

int32_t MockEngine::next_token(const MockRequest& r, size_t position) const {
    uint64_t x = splitmix64(r.key + (position + 1) * 0x9E3779B97F4A7C15ull);
    auto t = static_cast<int32_t>(x % static_cast<uint64_t>(model_.vocab_size));
    if (model_.eos_at > 0 && r.spec.end_id >= 0 && position + 1 == static_cast<size_t>(model_.eos_at)) {
        return r.spec.end_id;
    }
    for (const auto& bad : r.spec.bad_sequences) {
        if (bad.size() == 1 && bad[0] == t) {
            t = (t + 1) % model_.vocab_size;
        }
    }
    return t;
}

void MockEngine::produce(MockRequest& r, int32_t count, int64_t now) {
    if (r.first_token_ns == 0) {
        r.first_token_ns = now;
    }
    r.last_token_ns = now;
    for (int32_t i = 0; i < count; i++) {
        if (!emit_token(r, next_token(r, r.output.size()), now)) {
            return;
        }
    }
    if (r.spec.streaming && r.sent < r.output.size()) {
        push_record(r, TLS_RECORD_PERF, TLS_FINISH_NOT_FINISHED, "");
    }
}

// Appends one token and applies the stop criteria; false once the request finished.
bool MockEngine::emit_token(MockRequest& r, int32_t token, int64_t now) {
    bool min_reached = static_cast<int32_t>(r.output.size()) >= r.spec.min_tokens;
    if (r.spec.input[0] == model_.error_token && static_cast<int32_t>(r.output.size()) >= model_.error_after) {
        finish(r, TLS_FINISH_NOT_FINISHED,
               model_.error_text.empty() ? "mock: injected failure for request " + std::to_string(r.id)
                                         : model_.error_text,
               now);
        return false;
    }
    if (token == r.spec.end_id && r.spec.end_id >= 0) {
        if (min_reached) {
            finish(r, TLS_FINISH_END_ID, "", now); // the end id itself is not returned
            return false;
        }
        token = (token + 1) % model_.vocab_size;
    }
    r.output.push_back(token);
    if (r.spec.return_log_probs) {
        r.logprobs.push_back(-0.01f - static_cast<float>(token % 97) * 0.05f);
    }
    if (min_reached && hits_stop(r)) {
        finish(r, TLS_FINISH_STOP_WORDS, "", now); // stop words stay in the output, as in TensorRT-LLM
        return false;
    }
    if (static_cast<int32_t>(r.output.size()) >= r.max_new) {
        finish(r, TLS_FINISH_LENGTH, "", now);
        return false;
    }
    return true;
}

bool MockEngine::hits_stop(const MockRequest& r) const {
    for (const auto& stop : r.spec.stop_sequences) {
        if (stop.size() <= r.output.size()
            && std::equal(stop.begin(), stop.end(), r.output.end() - static_cast<std::ptrdiff_t>(stop.size()))) {
            return true;
        }
    }
    return false;
}

void MockEngine::finish(MockRequest& r, uint8_t reason, const std::string& error, int64_t now) {
    (void) now;
    uint16_t flags = kFinalFlags;
    if (!error.empty()) {
        flags |= TLS_RECORD_ERROR;
    }
    push_record(r, flags, reason, error);
    r.finished = true;
}

void MockEngine::push_record(MockRequest& r, uint16_t flags, uint8_t reason, const std::string& error) {
    Record rec;
    rec.request_id = r.id;
    rec.client_id = r.spec.client_id;
    rec.flags = flags;
    rec.finish_reason = reason;
    rec.decoding_iterations = r.iterations;
    bool final = (flags & TLS_RECORD_FINAL) != 0;
    if (r.spec.streaming || final) {
        size_t from = r.spec.streaming ? r.sent : 0;
        rec.tokens.assign(r.output.begin() + static_cast<std::ptrdiff_t>(from), r.output.end());
        if (r.spec.return_log_probs) {
            rec.logprobs.assign(r.logprobs.begin() + static_cast<std::ptrdiff_t>(from), r.logprobs.end());
        }
        r.sent = r.output.size();
    }
    rec.error = error;
    Perf& p = rec.perf;
    p.arrival_ns = r.arrival_ns;
    p.first_scheduled_ns = r.scheduled_ns;
    p.first_token_ns = r.first_token_ns;
    p.last_token_ns = r.last_token_ns;
    int32_t output_blocks = kv_.blocks_for(static_cast<int64_t>(r.output.size()));
    p.kv_total_blocks = r.scheduled_ns == 0 ? 0 : r.prompt_blocks + output_blocks;
    p.kv_reused_blocks = r.reused_blocks;
    p.kv_new_blocks = p.kv_total_blocks - r.reused_blocks;
    p.kv_missed_blocks = r.scheduled_ns == 0 ? 0 : r.prompt_blocks - r.reused_blocks;
    p.kv_hit_rate = r.prompt_blocks == 0 ? 0.0f
                                          : static_cast<float>(r.reused_blocks) / static_cast<float>(r.prompt_blocks);
    p.spec_draft_tokens = r.drafted;
    p.spec_accepted_tokens = r.accepted;
    p.spec_acceptance_rate = r.drafted == 0 ? 0.0f : static_cast<float>(r.accepted) / static_cast<float>(r.drafted);
    ready_.push_back(std::move(rec));
}

} // namespace tls::mock
