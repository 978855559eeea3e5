// Binds common/shim_api.cpp to the CPU mock.
#pragma once

#include "mock_engine.h"

#include <memory>

namespace tls {

using Backend = mock::MockEngine;

// Reads <engine_dir>/mock_engine.cfg and starts the mock engine thread.
std::unique_ptr<Backend> create_backend(const tls_engine_config& config);
const char* backend_version() noexcept;
int32_t backend_is_mock() noexcept;

} // namespace tls
