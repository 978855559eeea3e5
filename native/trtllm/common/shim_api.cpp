// The C entry points, identical for both backends: argument checks, then the backend (mock or real,
// chosen by the include path: mock/backend.h or src/backend.h) behind the one exception guard.
#include "backend.h"

#include <cstring>
#include <memory>
#include <string>

struct tls_engine {
    std::unique_ptr<tls::Backend> impl;
};

namespace tls {
namespace {

Backend& engine_of(tls_engine* e) {
    if (e == nullptr || !e->impl) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT, "engine handle is null");
    }
    return *e->impl;
}

template <typename T>
void check_out(T* out, const char* what) {
    if (out == nullptr) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT, std::string(what) + " is null");
    }
}

} // namespace
} // namespace tls

extern "C" {

TLS_API const char* tls_version(void) { return tls::backend_version(); }

TLS_API int32_t tls_is_mock(void) { return tls::backend_is_mock(); }

TLS_API tls_error* tls_engine_create(const tls_engine_config* config, tls_engine** out) {
    return tls::guard([&] {
        tls::check_out(out, "out");
        *out = nullptr;
        tls::check_config(config);
        auto engine = std::make_unique<tls_engine>();
        engine->impl = tls::create_backend(*config);
        *out = engine.release();
    });
}

TLS_API tls_error* tls_engine_get_info(tls_engine* engine, tls_engine_info* out) {
    return tls::guard([&] {
        auto& e = tls::engine_of(engine);
        tls::check_out(out, "out");
        std::memset(out, 0, sizeof(*out));
        out->size = sizeof(tls_engine_info);
        out->abi_version = TRTLLM_SHIM_ABI_VERSION;
        out->trtllm_version = tls::backend_version();
        out->is_mock = tls::backend_is_mock();
        e.info(out); // also sets warnings (owned by the engine)
    });
}

TLS_API tls_error* tls_engine_shutdown(tls_engine* engine) {
    return tls::guard([&] { tls::engine_of(engine).shutdown(); });
}

TLS_API void tls_engine_destroy(tls_engine* engine) {
    delete engine; // the backend's destructor shuts it down first
}

TLS_API tls_error* tls_enqueue(tls_engine* engine, const tls_request* request, uint64_t* out_request_id) {
    return tls::guard([&] {
        auto& e = tls::engine_of(engine);
        tls::check_out(out_request_id, "out_request_id");
        *out_request_id = e.enqueue(request);
    });
}

TLS_API tls_error* tls_cancel(tls_engine* engine, uint64_t request_id) {
    return tls::guard([&] { tls::engine_of(engine).cancel(request_id); });
}

TLS_API tls_error* tls_poll(tls_engine* engine, uint32_t timeout_ms, uint8_t* buf, uint64_t capacity,
                            tls_poll_result* out) {
    return tls::guard([&] {
        auto& e = tls::engine_of(engine);
        tls::check_out(out, "out");
        std::memset(out, 0, sizeof(*out));
        e.poll(timeout_ms, buf, capacity, out);
    });
}

TLS_API void tls_wake(tls_engine* engine) {
    if (engine != nullptr && engine->impl) {
        engine->impl->wake();
    }
}

TLS_API tls_error* tls_stats_get(tls_engine* engine, tls_stats* out) {
    return tls::guard([&] {
        auto& e = tls::engine_of(engine);
        tls::check_out(out, "out");
        std::memset(out, 0, sizeof(*out));
        out->size = sizeof(tls_stats);
        e.stats(out);
    });
}

TLS_API tls_error* tls_iteration_stats(tls_engine* engine, tls_iter_stats* out, uint32_t capacity,
                                       uint32_t* out_count) {
    return tls::guard([&] {
        auto& e = tls::engine_of(engine);
        tls::check_out(out_count, "out_count");
        *out_count = 0;
        if (capacity > 0) {
            tls::check_out(out, "out");
        }
        *out_count = e.iteration_stats(out, capacity);
    });
}

} // extern "C"
