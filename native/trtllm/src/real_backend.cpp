// The real shim's identity, factory and exception classification.
// UNVERIFIED ON HARDWARE: see real_engine.h.
#include "backend.h"

#include <mutex>
#include <string>

// Declared here rather than by including tensorrt_llm/plugins/api/tllmPlugin.h: that header pulls in
// TensorRT's plugin API, and all we need is this one C function of libnvinfer_plugin_tensorrt_llm.so.
extern "C" bool initTrtLlmPlugins(void* logger, char const* libNamespace);

namespace tls {
namespace {

bool contains(const std::string& haystack, const char* needle) { return haystack.find(needle) != std::string::npos; }

std::string version_string() {
    return std::string("TensorRT-LLM ") + tensorrt_llm::executor::version();
}

} // namespace

// The Executor reports everything as tensorrt_llm::common::TllmException (a std::runtime_error)
// with a message; the code is recovered from the message. The strings matched here are the ones
// TensorRT-LLM, TensorRT and CUDA use; anything unrecognised stays INTERNAL with its message.
int32_t classify_exception(const std::exception& e) noexcept {
    try {
        std::string m = e.what();
        if (contains(m, "queue size") || contains(m, "Maximum queue") || contains(m, "queue is full")) {
            return TLS_ERR_QUEUE_FULL;
        }
        if (contains(m, "out of memory") || contains(m, "OutOfMemory") || contains(m, "cudaErrorMemoryAllocation")) {
            return TLS_ERR_OUT_OF_MEMORY;
        }
        if (contains(m, "MPI")) {
            return TLS_ERR_MPI;
        }
        if (contains(m, "not compatible with this version") || contains(m, "version mismatch")
            || contains(m, "Serialization assertion") || contains(m, "magicTag")) {
            return TLS_ERR_VERSION;
        }
        if (contains(m, "no CUDA-capable device") || contains(m, "CUDA driver") || contains(m, "cudaErrorNoDevice")
            || contains(m, "cudaErrorInsufficientDriver")) {
            return TLS_ERR_CUDA;
        }
        if (contains(m, "config.json") || contains(m, ".engine") || contains(m, "No such file")) {
            return TLS_ERR_ENGINE_DIR;
        }
        if (contains(m, "shutdown") || contains(m, "shut down")) {
            return TLS_ERR_SHUT_DOWN;
        }
    } catch (...) {
    }
    return TLS_ERR_INTERNAL;
}

std::unique_ptr<Backend> create_backend(const tls_engine_config& config) {
    static std::once_flag plugins;
    static bool plugins_ok = false;
    std::call_once(plugins, [] { plugins_ok = initTrtLlmPlugins(nullptr, "tensorrt_llm"); });
    if (!plugins_ok) {
        throw ShimException(TLS_ERR_INTERNAL, "initTrtLlmPlugins failed: libnvinfer_plugin_tensorrt_llm.so could not "
                                              "register its TensorRT plugins");
    }
    real::EngineFacts facts = real::read_engine_facts(config.engine_dir);
    return std::make_unique<Backend>(config, facts);
}

const char* backend_version() noexcept {
    static const std::string v = [] {
        try {
            return version_string();
        } catch (...) {
            return std::string("TensorRT-LLM (unknown version)");
        }
    }();
    return v.c_str();
}

int32_t backend_is_mock() noexcept { return 0; }

} // namespace tls
