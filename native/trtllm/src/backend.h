// Binds common/shim_api.cpp to the real Executor backend.
#pragma once

#include "real_engine.h"

#include <memory>

namespace tls {

using Backend = real::RealEngine;

// Registers the TensorRT-LLM plugins (once per process), reads the engine's config.json and
// constructs the Executor.
std::unique_ptr<Backend> create_backend(const tls_engine_config& config);
const char* backend_version() noexcept;
int32_t backend_is_mock() noexcept;

} // namespace tls
