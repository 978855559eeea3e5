// Error objects, clock, defaults and poll-record serialisation shared by both backends.
#include "shim_common.h"

#include <chrono>
#include <cstring>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the poll record format is little-endian and written with memcpy: build on a little-endian target"
#endif

namespace tls {

tls_error* make_error(int32_t code, const std::string& message) noexcept {
    try {
        return new tls_error{code, message.empty() ? std::string("error ") + std::to_string(code) : message};
    } catch (...) {
        // Out of memory while reporting an error: a static error would need special freeing, so
        // return the smallest thing we can; the Java side treats a failed allocation as INTERNAL.
        return new (std::nothrow) tls_error{code, std::string()};
    }
}

int64_t steady_now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

namespace {

constexpr uint64_t align8(uint64_t n) noexcept { return (n + 7u) & ~uint64_t(7); }

// Long messages are cut at TLS_RECORD_MAX_ERROR_BYTES, on a UTF-8 character boundary.
uint32_t error_len(const Record& r) noexcept {
    size_t n = r.error.size();
    if (n <= TLS_RECORD_MAX_ERROR_BYTES) {
        return static_cast<uint32_t>(n);
    }
    n = TLS_RECORD_MAX_ERROR_BYTES;
    while (n > 0 && (static_cast<unsigned char>(r.error[n]) & 0xC0u) == 0x80u) {
        n--; // r.error[n] continues the character that starts before the cut
    }
    return static_cast<uint32_t>(n);
}

bool has_logprobs(const Record& r) noexcept {
    return !r.logprobs.empty() && r.logprobs.size() == r.tokens.size();
}

template <typename T>
void put(uint8_t* base, size_t offset, T value) noexcept {
    std::memcpy(base + offset, &value, sizeof(T));
}

void write_record(const Record& r, uint8_t* dst, uint64_t size) noexcept {
    std::memset(dst, 0, size);
    uint16_t flags = r.flags;
    if (has_logprobs(r)) {
        flags |= TLS_RECORD_LOGPROBS;
    } else {
        flags &= static_cast<uint16_t>(~TLS_RECORD_LOGPROBS);
    }
    uint32_t n = static_cast<uint32_t>(r.tokens.size());
    uint32_t elen = error_len(r);
    put<uint32_t>(dst, 0, static_cast<uint32_t>(size));
    put<uint16_t>(dst, 4, flags);
    put<uint8_t>(dst, 6, r.finish_reason);
    put<uint64_t>(dst, 8, r.request_id);
    put<uint64_t>(dst, 16, r.client_id);
    put<uint32_t>(dst, 24, r.sequence_index);
    put<uint32_t>(dst, 28, r.decoding_iterations);
    put<uint32_t>(dst, 32, n);
    put<uint32_t>(dst, 36, elen);
    put<int64_t>(dst, 40, r.perf.arrival_ns);
    put<int64_t>(dst, 48, r.perf.first_scheduled_ns);
    put<int64_t>(dst, 56, r.perf.first_token_ns);
    put<int64_t>(dst, 64, r.perf.last_token_ns);
    put<int32_t>(dst, 72, r.perf.kv_total_blocks);
    put<int32_t>(dst, 76, r.perf.kv_new_blocks);
    put<int32_t>(dst, 80, r.perf.kv_reused_blocks);
    put<int32_t>(dst, 84, r.perf.kv_missed_blocks);
    put<float>(dst, 88, r.perf.kv_hit_rate);
    put<float>(dst, 92, r.perf.spec_acceptance_rate);
    put<int32_t>(dst, 96, r.perf.spec_accepted_tokens);
    put<int32_t>(dst, 100, r.perf.spec_draft_tokens);
    uint64_t off = TLS_RECORD_HEADER_BYTES;
    if (n > 0) {
        std::memcpy(dst + off, r.tokens.data(), n * sizeof(int32_t));
        off += n * sizeof(int32_t);
    }
    if (flags & TLS_RECORD_LOGPROBS) {
        std::memcpy(dst + off, r.logprobs.data(), n * sizeof(float));
        off += n * sizeof(float);
    }
    if (elen > 0) {
        std::memcpy(dst + off, r.error.data(), elen);
    }
}

} // namespace

uint64_t record_bytes(const Record& r) noexcept {
    uint64_t n = r.tokens.size();
    uint64_t bytes = TLS_RECORD_HEADER_BYTES + n * sizeof(int32_t);
    if (has_logprobs(r)) {
        bytes += n * sizeof(float);
    }
    return align8(bytes + error_len(r));
}

tls_error* drain_records(std::deque<Record>& ready, uint8_t* buf, uint64_t capacity, tls_poll_result* out,
                         uint64_t* finals) noexcept {
    uint64_t used = 0;
    uint32_t count = 0;
    while (!ready.empty()) {
        uint64_t size = record_bytes(ready.front());
        if (used + size > capacity) {
            if (count == 0) {
                out->bytes = size;
                out->count = 0;
                out->pending = 1;
                return make_error(TLS_ERR_BUFFER_TOO_SMALL, "poll buffer of " + std::to_string(capacity)
                                                                + " bytes is too small for a record of "
                                                                + std::to_string(size) + " bytes");
            }
            break;
        }
        write_record(ready.front(), buf + used, size);
        if ((ready.front().flags & TLS_RECORD_FINAL) != 0 && finals != nullptr) {
            (*finals)++;
        }
        used += size;
        count++;
        ready.pop_front();
    }
    out->bytes = used;
    out->count = count;
    out->pending = ready.empty() ? 0 : 1;
    return nullptr;
}

} // namespace tls

// ------------------------------------------------------------------------- C entry points shared by both

extern "C" {

TLS_API int32_t tls_error_code(const tls_error* error) { return error == nullptr ? TLS_OK : error->code; }

TLS_API const char* tls_error_message(const tls_error* error) {
    return error == nullptr ? "" : error->message.c_str();
}

TLS_API void tls_error_free(tls_error* error) { delete error; }

TLS_API uint32_t tls_abi_version(void) { return TRTLLM_SHIM_ABI_VERSION; }

TLS_API void tls_clock_pair(int64_t* steady_ns, int64_t* unix_ns) {
    int64_t steady = tls::steady_now_ns();
    int64_t unix_time = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (steady_ns != nullptr) {
        *steady_ns = steady;
    }
    if (unix_ns != nullptr) {
        *unix_ns = unix_time;
    }
}

TLS_API void tls_engine_config_defaults(tls_engine_config* c) {
    if (c == nullptr) {
        return;
    }
    std::memset(c, 0, sizeof(*c));
    c->size = sizeof(tls_engine_config);
    c->abi_version = TRTLLM_SHIM_ABI_VERSION;
    c->max_beam_width = 1;
    c->capacity_policy = TLS_CAPACITY_GUARANTEED_NO_EVICT;
    c->enable_chunked_context = 1;
    c->iter_stats_max = 1000;
    c->kv_enable_block_reuse = 1;
    c->kv_enable_partial_reuse = 1;
    c->kv_free_gpu_mem_fraction = 0.9f;
    c->decoding_mode = TLS_DECODING_AUTO;
    c->eagle_greedy = 1;
    c->multi_block_mode = 1;
    c->device_id = -1;
}

TLS_API void tls_request_defaults(tls_request* r) {
    if (r == nullptr) {
        return;
    }
    std::memset(r, 0, sizeof(*r));
    r->size = sizeof(tls_request);
    r->streaming = 1;
    r->end_id = -1;
    r->pad_id = -1;
    r->priority = -1.0f;
    r->retention_priority = 35;
}

} // extern "C"
