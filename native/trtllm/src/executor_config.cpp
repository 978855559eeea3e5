// tls_engine_config -> ExecutorConfig, and the engine directory's build-time facts.
// UNVERIFIED ON HARDWARE: see real_engine.h.
#include "real_engine.h"

#include "tensorrt_llm/runtime/gptJsonConfig.h"

#include <filesystem>
#include <optional>

namespace tls::real {
namespace {

std::vector<std::vector<int32_t>> tree(const int32_t* values, uint32_t values_len, const int32_t* offsets,
                                       uint32_t count, const char* what) {
    return copy_paths(values, values_len, offsets, count, what);
}

void note(std::string& warnings, const std::string& text) {
    if (!warnings.empty()) {
        warnings += "; ";
    }
    warnings += text;
}

} // namespace

EngineFacts read_engine_facts(const std::string& engine_dir) {
    namespace fs = std::filesystem;
    fs::path dir(engine_dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw ShimException(TLS_ERR_ENGINE_DIR, "engine directory '" + engine_dir + "' does not exist");
    }
    if (!fs::is_regular_file(dir / "config.json", ec)) {
        throw ShimException(TLS_ERR_ENGINE_DIR, "'" + engine_dir + "' has no config.json (not a trtllm-build output)");
    }
    EngineFacts f;
    try {
        auto json = tensorrt_llm::runtime::GptJsonConfig::parse(dir / "config.json");
        auto const& mc = json.getModelConfig();
        f.vocab_size = mc.getVocabSize();
        f.max_batch_size = mc.getMaxBatchSize();
        f.max_num_tokens = mc.getMaxNumTokens().value_or(0);
        f.max_input_len = mc.getMaxInputLen();
        f.max_seq_len = mc.getMaxSequenceLen();
        f.tokens_per_block = mc.getTokensPerBlock();
        auto mode = mc.getSpeculativeDecodingMode();
        if (mode.isMedusa()) {
            f.decoding_mode = TLS_DECODING_MEDUSA;
        } else if (mode.isEagle()) {
            f.decoding_mode = TLS_DECODING_EAGLE;
        } else if (mode.isLookaheadDecoding()) {
            f.decoding_mode = TLS_DECODING_LOOKAHEAD;
        } else if (mode.isDraftTokensExternal()) {
            f.decoding_mode = TLS_DECODING_EXTERNAL_DRAFT;
        } else if (mode.isExplicitDraftTokens()) {
            f.decoding_mode = TLS_DECODING_EXPLICIT_DRAFT;
        }
        f.max_draft_len = mc.getMaxDecodingDraftTokens();
    } catch (const ShimException&) {
        throw;
    } catch (const std::exception& e) {
        throw ShimException(TLS_ERR_ENGINE_DIR, std::string("cannot read config.json: ") + e.what());
    }
    return f;
}

tle::ExecutorConfig build_executor_config(const tls_engine_config& c, const EngineFacts& facts, std::string& warnings) {
    tle::ExecutorConfig ec;
    ec.setMaxBeamWidth(c.max_beam_width);
    ec.setBatchingType(tle::BatchingType::kINFLIGHT);
    if (c.max_batch_size > 0) {
        ec.setMaxBatchSize(c.max_batch_size);
    }
    if (c.max_num_tokens > 0) {
        ec.setMaxNumTokens(c.max_num_tokens);
    }
    ec.setEnableChunkedContext(c.enable_chunked_context != 0);
    ec.setIterStatsMaxIterations(c.iter_stats_max);
    ec.setRequestStatsMaxIterations(c.request_stats_max);
    if (c.max_queue_size > 0) {
        ec.setMaxQueueSize(c.max_queue_size);
    }
    ec.setSchedulerConfig(tle::SchedulerConfig(c.capacity_policy == TLS_CAPACITY_MAX_UTILIZATION
                                                   ? tle::CapacitySchedulerPolicy::kMAX_UTILIZATION
                                                   : tle::CapacitySchedulerPolicy::kGUARANTEED_NO_EVICT));

    tle::KvCacheConfig kv;
    kv.setEnableBlockReuse(c.kv_enable_block_reuse != 0);
    kv.setEnablePartialReuse(c.kv_enable_partial_reuse != 0);
    kv.setFreeGpuMemoryFraction(c.kv_free_gpu_mem_fraction);
    if (c.kv_max_tokens > 0) {
        kv.setMaxTokens(c.kv_max_tokens);
    }
    if (c.kv_host_cache_bytes > 0) {
        kv.setHostCacheSize(static_cast<size_t>(c.kv_host_cache_bytes));
    }
    if (c.kv_event_buffer_size > 0) {
        kv.setEventBufferMaxSize(static_cast<size_t>(c.kv_event_buffer_size));
    }
    ec.setKvCacheConfig(kv);

    tle::ExtendedRuntimePerfKnobConfig knobs;
    knobs.setMultiBlockMode(c.multi_block_mode != 0);
    knobs.setCudaGraphMode(c.cuda_graph_mode != 0);
    if (c.cuda_graph_cache_size > 0) {
        knobs.setCudaGraphCacheSize(c.cuda_graph_cache_size);
    }
    ec.setExtendedRuntimePerfKnobConfig(knobs);

    if (c.device_id >= 0) {
        tle::ParallelConfig pc;
        pc.setDeviceIds({c.device_id});
        ec.setParallelConfig(pc);
    }

    // Speculative decoding: the engine fixed the mode at build time; the runtime mode must match it.
    int32_t mode = c.decoding_mode;
    if (mode != TLS_DECODING_AUTO && mode != facts.decoding_mode) {
        throw ShimException(TLS_ERR_INVALID_ARGUMENT,
                            "decoding_mode " + std::to_string(mode) + " does not match the engine, which was built for "
                                + std::to_string(facts.decoding_mode) + " (rebuild with trtllm-build "
                                                                        "--speculative_decoding_mode)");
    }
    if (mode == TLS_DECODING_AUTO && facts.decoding_mode != TLS_DECODING_AUTO) {
        mode = facts.decoding_mode; // serve the engine as built
        note(warnings, "decoding mode taken from the engine: " + std::to_string(mode));
    }
    tle::DecodingConfig dc;
    switch (mode) {
    case TLS_DECODING_MEDUSA: {
        auto choices = tree(c.medusa_choice_values, c.medusa_choice_values_len, c.medusa_choice_offsets,
                            c.medusa_choice_count, "medusa choices");
        if (choices.empty()) {
            throw ShimException(TLS_ERR_INVALID_ARGUMENT, "a Medusa engine needs medusa choices");
        }
        dc.setDecodingMode(tle::DecodingMode::Medusa());
        dc.setMedusaChoices(choices);
        break;
    }
    case TLS_DECODING_EAGLE: {
        std::optional<tle::EagleChoices> choices;
        if (c.eagle_choice_count > 0) {
            choices = tree(c.eagle_choice_values, c.eagle_choice_values_len, c.eagle_choice_offsets,
                           c.eagle_choice_count, "eagle choices");
        }
        std::optional<float> threshold;
        if (c.eagle_posterior_threshold > 0.0f) {
            threshold = c.eagle_posterior_threshold;
        }
        std::optional<int32_t> top_k;
        if (c.eagle_dynamic_tree_max_top_k > 0) {
            top_k = c.eagle_dynamic_tree_max_top_k;
        }
        dc.setDecodingMode(tle::DecodingMode::Eagle());
        dc.setEagleConfig(
            tle::EagleConfig(choices, c.eagle_greedy != 0, threshold, c.eagle_use_dynamic_tree != 0, top_k));
        break;
    }
    case TLS_DECODING_LOOKAHEAD: {
        int32_t w = c.lookahead_window > 0 ? c.lookahead_window : 4;
        int32_t n = c.lookahead_ngram > 0 ? c.lookahead_ngram : 3;
        int32_t v = c.lookahead_verification_set > 0 ? c.lookahead_verification_set : 4;
        dc.setLookaheadDecodingConfig(tle::LookaheadDecodingConfig(w, n, v));
        break;
    }
    case TLS_DECODING_EXTERNAL_DRAFT:
        dc.setDecodingMode(tle::DecodingMode::ExternalDraftTokens());
        break;
    case TLS_DECODING_EXPLICIT_DRAFT:
        dc.setDecodingMode(tle::DecodingMode::ExplicitDraftTokens());
        break;
    default:
        break;
    }
    if (mode != TLS_DECODING_AUTO) {
        ec.setDecodingConfig(dc);
    }
    if (c.kv_enable_block_reuse != 0 && facts.tokens_per_block <= 0) {
        note(warnings, "engine reports no tokens_per_block: KV reuse needs paged context attention");
    }
    return ec;
}

} // namespace tls::real
