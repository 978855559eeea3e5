// executor::Response -> poll Record, and the capabilities this build of the shim has.
// UNVERIFIED ON HARDWARE: see real_engine.h.
#include "real_engine.h"

#include <chrono>

namespace tls::real {
namespace {

int64_t steady_ns(const tle::RequestPerfMetrics::TimePoint& t) {
    // a default-constructed time point (the epoch) means "not yet"
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

} // namespace

Record to_record(const tle::Response& response) {
    Record rec;
    rec.request_id = response.getRequestId();
    rec.client_id = response.getClientId().value_or(0);
    if (response.hasError()) {
        // an error response ends the request: the Executor sends nothing after it
        rec.flags = TLS_RECORD_FINAL | TLS_RECORD_SEQUENCE_FINAL | TLS_RECORD_ERROR;
        rec.error = response.getErrorMsg();
        return rec;
    }
    const tle::Result& r = response.getResult();
    if (r.isFinal) {
        rec.flags |= TLS_RECORD_FINAL;
    }
    if (r.isSequenceFinal) {
        rec.flags |= TLS_RECORD_SEQUENCE_FINAL;
    }
    rec.sequence_index = static_cast<uint32_t>(r.sequenceIndex);
    rec.decoding_iterations = static_cast<uint32_t>(r.decodingIter);
    if (!r.outputTokenIds.empty()) {
        rec.tokens = r.outputTokenIds[0]; // beam 0: the server runs beam width 1
    }
    if (r.logProbs && !r.logProbs->empty()) {
        const auto& lp = (*r.logProbs)[0];
        // keep the log-probabilities of this response's tokens (the tail, if the Executor sent more)
        if (lp.size() >= rec.tokens.size()) {
            rec.logprobs.assign(lp.end() - static_cast<std::ptrdiff_t>(rec.tokens.size()), lp.end());
        }
    }
    if (!r.finishReasons.empty()) {
        rec.finish_reason = static_cast<uint8_t>(r.finishReasons[0]);
    }
    if (r.requestPerfMetrics) {
        const auto& m = *r.requestPerfMetrics;
        rec.flags |= TLS_RECORD_PERF;
        rec.perf.arrival_ns = steady_ns(m.timingMetrics.arrivalTime);
        rec.perf.first_scheduled_ns = steady_ns(m.timingMetrics.firstScheduledTime);
        rec.perf.first_token_ns = steady_ns(m.timingMetrics.firstTokenTime);
        rec.perf.last_token_ns = steady_ns(m.timingMetrics.lastTokenTime);
        rec.perf.kv_total_blocks = m.kvCacheMetrics.numTotalAllocatedBlocks;
        rec.perf.kv_new_blocks = m.kvCacheMetrics.numNewAllocatedBlocks;
        rec.perf.kv_reused_blocks = m.kvCacheMetrics.numReusedBlocks;
#ifdef TLS_HAVE_MISSED_BLOCKS
        rec.perf.kv_missed_blocks = m.kvCacheMetrics.numMissedBlocks;
        rec.perf.kv_hit_rate = static_cast<float>(m.kvCacheMetrics.kvCacheHitRate);
#endif
#ifdef TLS_HAVE_SPEC_METRICS
        rec.perf.spec_acceptance_rate = m.speculativeDecoding.acceptanceRate;
        rec.perf.spec_accepted_tokens = m.speculativeDecoding.totalAcceptedDraftTokens;
        rec.perf.spec_draft_tokens = m.speculativeDecoding.totalDraftTokens;
#endif
    }
    return rec;
}

uint32_t capabilities() noexcept {
    uint32_t caps = TLS_CAP_TIMED_OUT;
#ifdef TLS_HAVE_MISSED_BLOCKS
    caps |= TLS_CAP_MISSED_BLOCKS | TLS_CAP_HIT_RATE;
#endif
#ifdef TLS_HAVE_SPEC_METRICS
    caps |= TLS_CAP_SPEC_METRICS;
#endif
#ifdef TLS_HAVE_CACHE_SALT
    caps |= TLS_CAP_CACHE_SALT;
#endif
    return caps;
}

} // namespace tls::real
