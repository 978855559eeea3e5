// Parser for mock_engine.cfg. Strict: an unknown key or a bad number is an ENGINE_DIR error, so a
// typo in a test fixture fails loudly instead of silently testing the defaults.
#include "mock_config.h"

#include "../common/shim_common.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

namespace tls::mock {
namespace {

[[noreturn]] void bad(const std::string& what) { throw ShimException(TLS_ERR_ENGINE_DIR, "mock engine: " + what); }

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) {
        return "";
    }
    size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

int64_t parse_int(const std::string& key, const std::string& value, int64_t min, int64_t max) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(value.c_str(), &end, 10);
    if (errno != 0 || end == value.c_str() || *end != '\0' || v < min || v > max) {
        bad("bad value for " + key + ": '" + value + "' (expected " + std::to_string(min) + ".."
            + std::to_string(max) + ")");
    }
    return v;
}

void apply(MockConfig& c, const std::string& key, const std::string& value) {
    auto i32 = [&](int64_t min, int64_t max) { return static_cast<int32_t>(parse_int(key, value, min, max)); };
    if (key == "vocab_size") {
        c.vocab_size = i32(2, 1 << 24);
    } else if (key == "max_batch_size") {
        c.max_batch_size = i32(1, 4096);
    } else if (key == "max_num_tokens") {
        c.max_num_tokens = i32(1, 1 << 20);
    } else if (key == "max_seq_len") {
        c.max_seq_len = i32(2, 1 << 22);
    } else if (key == "tokens_per_block") {
        c.tokens_per_block = i32(1, 1024);
    } else if (key == "kv_blocks") {
        c.kv_blocks = i32(1, 1 << 24);
    } else if (key == "step_us") {
        c.step_us = parse_int(key, value, 0, 10'000'000);
    } else if (key == "eos_at") {
        c.eos_at = i32(0, 1 << 22);
    } else if (key == "spec_draft_len") {
        c.spec_draft_len = i32(0, 64);
    } else if (key == "fail_enqueue_token") {
        c.fail_enqueue_token = i32(-1, 1 << 24);
    } else if (key == "error_token") {
        c.error_token = i32(-1, 1 << 24);
    } else if (key == "error_after") {
        c.error_after = i32(0, 1 << 22);
    } else if (key == "poll_fail_token") {
        c.poll_fail_token = i32(-1, 1 << 24);
    } else if (key == "error_text") {
        c.error_text = value;
    } else if (key == "fail_create") {
        c.fail_create = value;
    } else if (key == "fail_create_code") {
        c.fail_create_code = i32(1, 10);
    } else {
        bad("unknown key '" + key + "' in mock_engine.cfg");
    }
}

} // namespace

MockConfig load_mock_config(const std::string& engine_dir) {
    struct stat st {};
    if (stat(engine_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        bad("engine directory '" + engine_dir + "' does not exist");
    }
    MockConfig c;
    std::ifstream in(engine_dir + "/mock_engine.cfg");
    if (!in) {
        return c;
    }
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        lineno++;
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') {
            continue;
        }
        size_t eq = t.find('=');
        if (eq == std::string::npos) {
            bad("mock_engine.cfg line " + std::to_string(lineno) + ": expected key=value");
        }
        apply(c, trim(t.substr(0, eq)), trim(t.substr(eq + 1)));
    }
    if (c.max_seq_len < 2) {
        bad("max_seq_len must be >= 2");
    }
    return c;
}

} // namespace tls::mock
