// Validation and owned copies of the caller's structs. The Java side validates first (nothing a
// client sends may reach native code unchecked); this is the second line, so a bug on either side
// becomes an INVALID_ARGUMENT error instead of a read out of bounds inside the JVM process.
#include "shim_common.h"

#include <cmath>
#include <cstring>

namespace tls {
namespace {

// Upper bounds far above any real engine, so a corrupted count cannot make us allocate gigabytes.
constexpr uint32_t kMaxInputTokens = 1u << 22;
constexpr uint32_t kMaxSequences = 1u << 16;
constexpr uint32_t kMaxListTokens = 1u << 20;

[[noreturn]] void invalid(const std::string& what) { throw ShimException(TLS_ERR_INVALID_ARGUMENT, what); }

void check_finite(float v, const char* name) {
    if (!std::isfinite(v)) {
        invalid(std::string(name) + " must be finite");
    }
}

void check_tokens(const int32_t* tokens, uint32_t n, int32_t vocab_size, const char* what) {
    for (uint32_t i = 0; i < n; i++) {
        if (tokens[i] < 0 || (vocab_size > 0 && tokens[i] >= vocab_size)) {
            invalid(std::string(what) + " token " + std::to_string(tokens[i]) + " at index " + std::to_string(i)
                    + " is outside the vocabulary");
        }
    }
}

} // namespace

std::vector<std::vector<int32_t>> copy_paths(const int32_t* values, uint32_t values_len, const int32_t* offsets,
                                             uint32_t count, const char* what) {
    std::vector<std::vector<int32_t>> out;
    if (count == 0) {
        return out;
    }
    if (count > kMaxSequences) {
        invalid(std::string(what) + ": too many sequences (" + std::to_string(count) + ")");
    }
    if (offsets == nullptr || values == nullptr) {
        invalid(std::string(what) + ": values and offsets are required when the count is > 0");
    }
    if (offsets[0] != 0) {
        invalid(std::string(what) + ": offsets[0] must be 0");
    }
    if (values_len > kMaxListTokens) {
        invalid(std::string(what) + ": too many values");
    }
    int32_t total = offsets[count];
    if (total < 0 || static_cast<uint32_t>(total) != values_len) {
        invalid(std::string(what) + ": the last offset must equal the number of values");
    }
    out.reserve(count);
    for (uint32_t i = 0; i < count; i++) {
        int32_t from = offsets[i];
        int32_t to = offsets[i + 1];
        if (from < 0 || to < from || to > total) {
            invalid(std::string(what) + ": offsets must be non-decreasing and within the values");
        }
        if (to == from) {
            invalid(std::string(what) + ": sequence " + std::to_string(i) + " is empty");
        }
        out.emplace_back(values + from, values + to);
    }
    return out;
}

RequestSpec copy_request(const tls_request* r, int32_t vocab_size) {
    if (r == nullptr) {
        invalid("request is null");
    }
    if (r->size < sizeof(tls_request)) {
        invalid("tls_request.size " + std::to_string(r->size) + " is smaller than this shim's "
                + std::to_string(sizeof(tls_request)) + " (call tls_request_defaults; ABI mismatch?)");
    }
    if (r->input_tokens == nullptr || r->num_input_tokens == 0) {
        invalid("input_tokens must hold at least one token");
    }
    if (r->num_input_tokens > kMaxInputTokens) {
        invalid("num_input_tokens is too large");
    }
    if (r->max_tokens < 1) {
        invalid("max_tokens must be >= 1");
    }
    check_tokens(r->input_tokens, r->num_input_tokens, vocab_size, "input");

    RequestSpec s;
    s.client_id = r->client_id;
    s.input.assign(r->input_tokens, r->input_tokens + r->num_input_tokens);
    s.max_tokens = r->max_tokens;
    s.streaming = r->streaming != 0;
    s.end_id = r->end_id;
    s.pad_id = r->pad_id;
    s.stop_sequences =
        copy_paths(r->stop_tokens, r->num_stop_tokens, r->stop_offsets, r->num_stop_sequences, "stop sequences");
    s.bad_sequences =
        copy_paths(r->bad_tokens, r->num_bad_tokens, r->bad_offsets, r->num_bad_sequences, "bad sequences");

    s.sampling_set = r->sampling_set;
    s.temperature = r->temperature;
    s.top_p = r->top_p;
    s.min_p = r->min_p;
    s.repetition_penalty = r->repetition_penalty;
    s.presence_penalty = r->presence_penalty;
    s.frequency_penalty = r->frequency_penalty;
    s.top_k = r->top_k;
    s.min_tokens = r->min_tokens;
    s.num_return_sequences = r->num_return_sequences;
    s.seed = r->seed;
    check_finite(s.temperature, "temperature");
    check_finite(s.top_p, "top_p");
    check_finite(s.min_p, "min_p");
    check_finite(s.repetition_penalty, "repetition_penalty");
    check_finite(s.presence_penalty, "presence_penalty");
    check_finite(s.frequency_penalty, "frequency_penalty");
    if (s.has(TLS_SAMPLING_TEMPERATURE) && s.temperature < 0) {
        invalid("temperature must be >= 0");
    }
    if (s.has(TLS_SAMPLING_TOP_P) && !(s.top_p > 0 && s.top_p <= 1)) {
        invalid("top_p must be in (0, 1]");
    }
    if (s.has(TLS_SAMPLING_MIN_P) && !(s.min_p >= 0 && s.min_p <= 1)) {
        invalid("min_p must be in [0, 1]");
    }
    if (s.has(TLS_SAMPLING_TOP_K) && s.top_k < 0) {
        invalid("top_k must be >= 0");
    }
    if (s.has(TLS_SAMPLING_REPETITION_PENALTY) && !(s.repetition_penalty > 0)) {
        invalid("repetition_penalty must be > 0");
    }
    if (s.has(TLS_SAMPLING_MIN_TOKENS) && s.min_tokens < 0) {
        invalid("min_tokens must be >= 0");
    }
    if (s.has(TLS_SAMPLING_NUM_RETURN_SEQUENCES) && (s.num_return_sequences < 1 || s.num_return_sequences > 64)) {
        invalid("num_return_sequences must be in 1..64");
    }
    if (!s.has(TLS_SAMPLING_NUM_RETURN_SEQUENCES)) {
        s.num_return_sequences = 1;
    }

    s.return_log_probs = r->return_log_probs != 0;
    check_finite(r->priority, "priority");
    if (r->priority > 1.0f) {
        invalid("priority must be <= 1");
    }
    s.priority = r->priority;
    s.allotted_time_ms = r->allotted_time_ms;
    s.has_cache_salt = r->has_cache_salt != 0;
    s.cache_salt = r->cache_salt;

    if (r->num_logit_bias > 0) {
        if (r->num_logit_bias > kMaxListTokens || r->logit_bias_ids == nullptr || r->logit_bias_values == nullptr) {
            invalid("logit bias arrays are missing or too long");
        }
        check_tokens(r->logit_bias_ids, r->num_logit_bias, vocab_size, "logit bias");
        s.logit_bias_ids.assign(r->logit_bias_ids, r->logit_bias_ids + r->num_logit_bias);
        s.logit_bias_values.assign(r->logit_bias_values, r->logit_bias_values + r->num_logit_bias);
        for (float v : s.logit_bias_values) {
            check_finite(v, "logit bias value");
        }
    }

    s.lookahead_window = r->lookahead_window;
    s.lookahead_ngram = r->lookahead_ngram;
    s.lookahead_verification_set = r->lookahead_verification_set;
    if (r->num_draft_tokens > 0) {
        if (r->num_draft_tokens > 1024 || r->draft_tokens == nullptr) {
            invalid("draft tokens are missing or too many");
        }
        check_tokens(r->draft_tokens, r->num_draft_tokens, vocab_size, "draft");
        s.draft_tokens.assign(r->draft_tokens, r->draft_tokens + r->num_draft_tokens);
    }
    check_finite(r->draft_acceptance_threshold, "draft_acceptance_threshold");
    s.draft_acceptance_threshold = r->draft_acceptance_threshold;
    if (r->retention_token_end > 0 && (r->retention_priority < 0 || r->retention_priority > 100)) {
        invalid("retention_priority must be in 0..100");
    }
    s.retention_token_end = r->retention_token_end;
    s.retention_priority = r->retention_priority;
    s.retention_duration_ms = r->retention_duration_ms;
    return s;
}

void check_config(const tls_engine_config* c) {
    if (c == nullptr) {
        invalid("config is null");
    }
    if (c->size < sizeof(tls_engine_config)) {
        throw ShimException(TLS_ERR_VERSION, "tls_engine_config.size " + std::to_string(c->size)
                                                 + " is smaller than this shim's "
                                                 + std::to_string(sizeof(tls_engine_config))
                                                 + " (call tls_engine_config_defaults; ABI mismatch?)");
    }
    if (c->abi_version != TRTLLM_SHIM_ABI_VERSION) {
        throw ShimException(TLS_ERR_VERSION, "caller built for shim ABI " + std::to_string(c->abi_version)
                                                 + ", this library is ABI "
                                                 + std::to_string(TRTLLM_SHIM_ABI_VERSION));
    }
    if (c->engine_dir == nullptr || std::strlen(c->engine_dir) == 0) {
        throw ShimException(TLS_ERR_ENGINE_DIR, "engine_dir is required");
    }
    if (c->max_beam_width < 1) {
        invalid("max_beam_width must be >= 1");
    }
    if (c->capacity_policy != TLS_CAPACITY_MAX_UTILIZATION && c->capacity_policy != TLS_CAPACITY_GUARANTEED_NO_EVICT) {
        invalid("capacity_policy must be 0 (max utilisation) or 1 (guaranteed no evict)");
    }
    if (!(c->kv_free_gpu_mem_fraction > 0.0f && c->kv_free_gpu_mem_fraction <= 1.0f)) {
        invalid("kv_free_gpu_mem_fraction must be in (0, 1]");
    }
    if (c->kv_host_cache_bytes < 0 || c->kv_event_buffer_size < 0) {
        invalid("kv_host_cache_bytes and kv_event_buffer_size must be >= 0");
    }
    if (c->decoding_mode < TLS_DECODING_AUTO || c->decoding_mode > TLS_DECODING_EXPLICIT_DRAFT) {
        invalid("decoding_mode is not a TLS_DECODING_* value");
    }
    check_finite(c->eagle_posterior_threshold, "eagle_posterior_threshold");
    if (c->iter_stats_max < 0 || c->request_stats_max < 0) {
        invalid("iter_stats_max and request_stats_max must be >= 0");
    }
}

} // namespace tls
