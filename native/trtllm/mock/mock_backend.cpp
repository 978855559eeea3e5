// The mock's identity and factory for common/shim_api.cpp.
#include "backend.h"

namespace tls {

int32_t classify_exception(const std::exception&) noexcept { return TLS_ERR_INTERNAL; }

std::unique_ptr<Backend> create_backend(const tls_engine_config& config) {
    mock::MockConfig model = mock::load_mock_config(config.engine_dir);
    if (!model.fail_create.empty()) {
        throw ShimException(model.fail_create_code, model.fail_create);
    }
    return std::make_unique<Backend>(config, std::move(model));
}

const char* backend_version() noexcept { return "mock " TLS_STRINGIFY(TRTLLM_SHIM_ABI_VERSION); }

int32_t backend_is_mock() noexcept { return 1; }

} // namespace tls
