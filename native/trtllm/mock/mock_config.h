// The mock engine's "model": what a real engine directory's config.json would fix at build time,
// plus fault injection. Read from <engine_dir>/mock_engine.cfg (key=value lines, '#' comments);
// every key is optional. The directory itself must exist, like a real engine directory.
#pragma once

#include <cstdint>
#include <string>

namespace tls::mock {

struct MockConfig {
    int32_t vocab_size = 32000;
    int32_t max_batch_size = 8;     // running requests per iteration
    int32_t max_num_tokens = 2048;  // token budget of one iteration (chunked context)
    int32_t max_seq_len = 4096;     // prompt + output
    int32_t tokens_per_block = 16;
    int32_t kv_blocks = 1024;
    int64_t step_us = 1000;         // simulated duration of one iteration
    int32_t eos_at = 0;             // > 0: a request with an end_id generates it as output token #eos_at
    int32_t spec_draft_len = 0;     // > 0: simulate speculative decoding with this many drafts per step
    // fault injection, keyed on the FIRST prompt token of a request
    int32_t fail_enqueue_token = -1; // tls_enqueue fails with INVALID_ARGUMENT
    int32_t error_token = -1;        // the request ends with an error record ...
    int32_t error_after = 1;         // ... after this many output tokens ...
    std::string error_text;          // ... with this message (default: names the request)
    int32_t poll_fail_token = -1;    // the next tls_poll after enqueueing it fails with INTERNAL
    std::string fail_create;         // non-empty: tls_engine_create fails with this message ...
    int32_t fail_create_code = 2;    // ... and this code (TLS_ERR_ENGINE_DIR)
};

// Throws ShimException(TLS_ERR_ENGINE_DIR) if the directory is missing or the file is malformed.
MockConfig load_mock_config(const std::string& engine_dir);

} // namespace tls::mock
