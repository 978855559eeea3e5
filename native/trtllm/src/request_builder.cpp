// RequestSpec -> executor::Request.
// UNVERIFIED ON HARDWARE: see real_engine.h.
#include "real_engine.h"

#include <algorithm>
#include <chrono>
#include <list>

namespace tls::real {
tle::Request build_request(const RequestSpec& s, int32_t vocab_size) {
    tle::SamplingConfig sampling; // unset fields stay std::nullopt: engine defaults
    if (s.has(TLS_SAMPLING_TOP_K)) {
        sampling.setTopK(s.top_k);
    }
    if (s.has(TLS_SAMPLING_TOP_P)) {
        sampling.setTopP(s.top_p);
    }
    if (s.has(TLS_SAMPLING_TEMPERATURE)) {
        sampling.setTemperature(s.temperature);
    }
    if (s.has(TLS_SAMPLING_MIN_P)) {
        sampling.setMinP(s.min_p);
    }
    if (s.has(TLS_SAMPLING_SEED)) {
        sampling.setSeed(s.seed);
    }
    if (s.has(TLS_SAMPLING_MIN_TOKENS)) {
        sampling.setMinTokens(s.min_tokens);
    }
    if (s.has(TLS_SAMPLING_REPETITION_PENALTY)) {
        sampling.setRepetitionPenalty(s.repetition_penalty);
    }
    if (s.has(TLS_SAMPLING_PRESENCE_PENALTY)) {
        sampling.setPresencePenalty(s.presence_penalty);
    }
    if (s.has(TLS_SAMPLING_FREQUENCY_PENALTY)) {
        sampling.setFrequencyPenalty(s.frequency_penalty);
    }
    if (s.has(TLS_SAMPLING_NUM_RETURN_SEQUENCES)) {
        sampling.setNumReturnSequences(s.num_return_sequences);
    }

    tle::OutputConfig output;
    output.returnLogProbs = s.return_log_probs;
    output.excludeInputFromOutput = true; // only generated tokens come back
    output.returnPerfMetrics = true;      // TTFT, KV reuse and acceptance for every request

    // Five positional arguments, then setters: the long constructor's tail changes between releases.
    tle::Request request(s.input, s.max_tokens, s.streaming, sampling, output);
    request.setReturnAllGeneratedTokens(false); // each streaming response carries only new tokens
    request.setClientId(s.client_id);
    if (s.end_id >= 0) {
        request.setEndId(s.end_id);
    }
    if (s.pad_id >= 0) {
        request.setPadId(s.pad_id);
    }
    if (!s.stop_sequences.empty()) {
        request.setStopWords(std::list<tle::VecTokens>(s.stop_sequences.begin(), s.stop_sequences.end()));
    }
    if (!s.bad_sequences.empty()) {
        request.setBadWords(std::list<tle::VecTokens>(s.bad_sequences.begin(), s.bad_sequences.end()));
    }
    if (s.priority >= 0.0f) {
        request.setPriority(s.priority);
    }
    if (s.allotted_time_ms > 0) {
        request.setAllottedTimeMs(tle::MillisecondsType(s.allotted_time_ms));
    }
#ifdef TLS_HAVE_CACHE_SALT
    if (s.has_cache_salt) {
        request.setCacheSaltID(s.cache_salt);
    }
#endif
    if (!s.logit_bias_ids.empty()) {
        // the Executor takes a dense [vocab] embedding bias; the sparse OpenAI logit_bias fills it
        if (vocab_size <= 0) {
            throw ShimException(TLS_ERR_INVALID_ARGUMENT, "logit bias needs the engine's vocabulary size");
        }
        tle::Tensor bias = tle::Tensor::cpu(tle::DataType::kFP32, {vocab_size});
        auto* data = static_cast<float*>(bias.getData());
        std::fill(data, data + vocab_size, 0.0f);
        for (size_t i = 0; i < s.logit_bias_ids.size(); i++) {
            data[s.logit_bias_ids[i]] += s.logit_bias_values[i];
        }
        request.setEmbeddingBias(bias);
    }
    if (s.lookahead_window > 0 && s.lookahead_ngram > 0 && s.lookahead_verification_set > 0) {
        request.setLookaheadConfig(
            tle::LookaheadDecodingConfig(s.lookahead_window, s.lookahead_ngram, s.lookahead_verification_set));
    }
    if (!s.draft_tokens.empty()) {
        std::optional<float> threshold;
        if (s.draft_acceptance_threshold > 0.0f) {
            threshold = s.draft_acceptance_threshold;
        }
        request.setExternalDraftTokensConfig(tle::ExternalDraftTokensConfig(s.draft_tokens, std::nullopt, threshold));
    }
    if (s.retention_token_end > 0) {
        std::optional<std::chrono::milliseconds> duration;
        if (s.retention_duration_ms > 0) {
            duration = std::chrono::milliseconds(s.retention_duration_ms);
        }
        tle::KvCacheRetentionConfig::TokenRangeRetentionConfig range(0, s.retention_token_end, s.retention_priority,
                                                                     duration);
        request.setKvCacheRetentionConfig(tle::KvCacheRetentionConfig({range}));
    }
    return request;
}

} // namespace tls::real
