// Shared by the real shim (src/) and the CPU mock (mock/): error objects, the exception boundary,
// the steady clock, poll-record serialisation and the validated copy of a tls_request. Keeping
// these in one place means both implementations reject the same inputs with the same codes and
// write byte-identical records, so the Java side tested against the mock sees what the GPU sends.
#pragma once

#include "trtllm_shim.h"

#include <cstdint>
#include <deque>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#define TLS_STRINGIFY_(x) #x
#define TLS_STRINGIFY(x) TLS_STRINGIFY_(x)

struct tls_error {
    int32_t code;
    std::string message;
};

namespace tls {

// An error with a shim code, thrown inside the shim and turned into a tls_error at the boundary.
class ShimException : public std::runtime_error {
public:
    ShimException(int32_t code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int32_t code() const noexcept { return code_; }

private:
    int32_t code_;
};

tls_error* make_error(int32_t code, const std::string& message) noexcept;

// Maps an exception from TensorRT-LLM (or the standard library) to a shim code. Implemented per
// backend: the real shim recognises Executor messages, the mock only its own exceptions.
int32_t classify_exception(const std::exception& e) noexcept;

// Runs fn and converts anything it throws into a tls_error: the one exception boundary.
template <typename Fn>
tls_error* guard(Fn&& fn) noexcept {
    try {
        fn();
        return nullptr;
    } catch (const ShimException& e) {
        return make_error(e.code(), e.what());
    } catch (const std::bad_alloc&) {
        return make_error(TLS_ERR_OUT_OF_MEMORY, "out of host memory");
    } catch (const std::exception& e) {
        return make_error(classify_exception(e), e.what());
    } catch (...) {
        return make_error(TLS_ERR_INTERNAL, "unknown C++ exception");
    }
}

int64_t steady_now_ns() noexcept;

// ------------------------------------------------------------------------- poll records

struct Perf {
    int64_t arrival_ns = 0;
    int64_t first_scheduled_ns = 0;
    int64_t first_token_ns = 0;
    int64_t last_token_ns = 0;
    int32_t kv_total_blocks = 0;
    int32_t kv_new_blocks = 0;
    int32_t kv_reused_blocks = 0;
    int32_t kv_missed_blocks = -1;
    float kv_hit_rate = -1.0f;
    float spec_acceptance_rate = 0.0f;
    int32_t spec_accepted_tokens = 0;
    int32_t spec_draft_tokens = 0;
};

struct Record {
    uint64_t request_id = 0;
    uint64_t client_id = 0;
    uint16_t flags = 0;
    uint8_t finish_reason = TLS_FINISH_NOT_FINISHED;
    uint32_t sequence_index = 0;
    uint32_t decoding_iterations = 0;
    std::vector<int32_t> tokens;
    std::vector<float> logprobs; // empty, or one per token
    std::string error;           // truncated to TLS_RECORD_MAX_ERROR_BYTES when written
    Perf perf;
};

// Bytes the record takes in the poll buffer (header, payload, padding to 8).
uint64_t record_bytes(const Record& r) noexcept;

// Moves records from the front of `ready` into buf while they fit; adds the number of FINAL records
// written to *finals. A record that does not fit in an empty buffer is reported as
// TLS_ERR_BUFFER_TOO_SMALL with the size it needs.
tls_error* drain_records(std::deque<Record>& ready, uint8_t* buf, uint64_t capacity, tls_poll_result* out,
                         uint64_t* finals) noexcept;

// ------------------------------------------------------------------------- requests

// A validated, owned copy of a tls_request (the caller's arrays may be freed after enqueue).
struct RequestSpec {
    uint64_t client_id = 0;
    std::vector<int32_t> input;
    int32_t max_tokens = 0;
    bool streaming = false;
    int32_t end_id = -1;
    int32_t pad_id = -1;
    std::vector<std::vector<int32_t>> stop_sequences;
    std::vector<std::vector<int32_t>> bad_sequences;
    uint32_t sampling_set = 0;
    float temperature = 1.0f;
    float top_p = 1.0f;
    float min_p = 0.0f;
    float repetition_penalty = 1.0f;
    float presence_penalty = 0.0f;
    float frequency_penalty = 0.0f;
    int32_t top_k = 0;
    int32_t min_tokens = 0;
    int32_t num_return_sequences = 1;
    uint64_t seed = 0;
    bool return_log_probs = false;
    float priority = -1.0f;
    int64_t allotted_time_ms = 0;
    bool has_cache_salt = false;
    uint64_t cache_salt = 0;
    std::vector<int32_t> logit_bias_ids;
    std::vector<float> logit_bias_values;
    int32_t lookahead_window = 0;
    int32_t lookahead_ngram = 0;
    int32_t lookahead_verification_set = 0;
    std::vector<int32_t> draft_tokens;
    float draft_acceptance_threshold = 0.0f;
    int32_t retention_token_end = 0;
    int32_t retention_priority = 35;
    int64_t retention_duration_ms = 0;

    bool has(uint32_t bit) const noexcept { return (sampling_set & bit) != 0; }
};

// Checks every field (sizes, null pointers, offsets, token ids against vocab_size when > 0) and
// copies it; throws ShimException(TLS_ERR_INVALID_ARGUMENT) naming the field.
RequestSpec copy_request(const tls_request* request, int32_t vocab_size);

// Checks the config struct itself (size, ABI, engine_dir, ranges); throws like copy_request.
void check_config(const tls_engine_config* config);

// Copies a flattened path list (values_len values; count + 1 offsets into them), checking every
// offset against values_len; `what` names the list in errors.
std::vector<std::vector<int32_t>> copy_paths(const int32_t* values, uint32_t values_len, const int32_t* offsets,
                                             uint32_t count, const char* what);

} // namespace tls
