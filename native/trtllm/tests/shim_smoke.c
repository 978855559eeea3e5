/*
 * A plain-C client of trtllm_shim.h against the mock backend: proves the header is valid C and
 * exercises the ABI (create, enqueue, poll, cancel, stats, errors, shutdown) outside the JVM, where
 * sanitizers work. Build and run: cmake -DTLS_BUILD_TESTS=ON -DTLS_SANITIZE=ON ... && ctest.
 */
#include "trtllm_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The structs have no implicit padding (the same layout from C, JavaCPP and, later, Java FFM). */
_Static_assert(sizeof(tls_engine_config) == 176, "tls_engine_config layout");
_Static_assert(sizeof(tls_engine_info) == 80, "tls_engine_info layout");
_Static_assert(sizeof(tls_request) == 232, "tls_request layout");
_Static_assert(sizeof(tls_poll_result) == 16, "tls_poll_result layout");
_Static_assert(sizeof(tls_stats) == 72, "tls_stats layout");
_Static_assert(sizeof(tls_iter_stats) == 80, "tls_iter_stats layout");

static int failures = 0;

#define CHECK(cond, what)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); \
            failures++;                                                     \
        }                                                                   \
    } while (0)

static int expect_error(tls_error* err, int32_t code, const char* what) {
    int ok = err != NULL && tls_error_code(err) == code;
    if (!ok) {
        fprintf(stderr, "FAIL %s: expected error %d, got %d (%s)\n", what, code, tls_error_code(err),
                tls_error_message(err));
        failures++;
    }
    tls_error_free(err);
    return ok;
}

static uint32_t u32(const uint8_t* p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* Polls until the request's final record; returns the number of tokens seen. */
static int drain(tls_engine* e, uint64_t client, uint8_t* buf, uint64_t cap, uint8_t* reason) {
    int tokens = 0;
    for (int spins = 0; spins < 2000; spins++) {
        tls_poll_result r;
        tls_error* err = tls_poll(e, 50, buf, cap, &r);
        CHECK(err == NULL, "poll");
        tls_error_free(err);
        uint64_t off = 0;
        for (uint32_t i = 0; i < r.count; i++) {
            uint64_t cid;
            memcpy(&cid, buf + off + 16, 8);
            uint16_t flags;
            memcpy(&flags, buf + off + 4, 2);
            if (cid == client) {
                tokens += (int) u32(buf + off + 32);
                if (flags & TLS_RECORD_FINAL) {
                    *reason = buf[off + 6];
                    return tokens;
                }
            }
            off += u32(buf + off);
        }
    }
    CHECK(0, "no final record");
    return tokens;
}

int main(int argc, char** argv) {
    const char* dir = argc > 1 ? argv[1] : ".";
    CHECK(tls_abi_version() == TRTLLM_SHIM_ABI_VERSION, "abi");
    CHECK(tls_is_mock() == 1, "mock");

    tls_engine_config cfg;
    tls_engine_config_defaults(&cfg);
    tls_engine* e = NULL;
    expect_error(tls_engine_create(&cfg, &e), TLS_ERR_ENGINE_DIR, "missing engine_dir");
    CHECK(e == NULL, "no engine on failure");
    cfg.engine_dir = dir;
    cfg.size = 8;
    expect_error(tls_engine_create(&cfg, &e), TLS_ERR_VERSION, "short struct");
    tls_engine_config_defaults(&cfg);
    cfg.engine_dir = dir;
    cfg.max_queue_size = 2;
    tls_error* err = tls_engine_create(&cfg, &e);
    CHECK(err == NULL && e != NULL, "create");
    tls_error_free(err);

    tls_engine_info info;
    CHECK(tls_engine_get_info(e, &info) == NULL, "info");
    CHECK(info.is_mock == 1 && info.vocab_size > 0, "info fields");

    int32_t prompt[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    tls_request req;
    tls_request_defaults(&req);
    uint64_t id = 0;
    expect_error(tls_enqueue(e, &req, &id), TLS_ERR_INVALID_ARGUMENT, "no tokens");
    req.input_tokens = prompt;
    req.num_input_tokens = 8;
    expect_error(tls_enqueue(e, &req, &id), TLS_ERR_INVALID_ARGUMENT, "max_tokens 0");
    req.max_tokens = 5;
    int32_t bad_offsets[2] = {0, 99};
    int32_t stop[1] = {3};
    req.num_stop_sequences = 1;
    req.stop_tokens = stop;
    req.num_stop_tokens = 1;
    req.stop_offsets = bad_offsets;
    expect_error(tls_enqueue(e, &req, &id), TLS_ERR_INVALID_ARGUMENT, "stop offsets past the values");
    bad_offsets[1] = 1;
    req.num_stop_tokens = 5;
    expect_error(tls_enqueue(e, &req, &id), TLS_ERR_INVALID_ARGUMENT, "length and offsets disagree");
    req.num_stop_sequences = 0;
    req.num_stop_tokens = 0;
    prompt[3] = -7;
    expect_error(tls_enqueue(e, &req, &id), TLS_ERR_INVALID_ARGUMENT, "negative token");
    prompt[3] = 4;
    expect_error(tls_enqueue(NULL, &req, &id), TLS_ERR_INVALID_ARGUMENT, "null engine");
    expect_error(tls_poll(e, 0, NULL, 64, NULL), TLS_ERR_INVALID_ARGUMENT, "null poll result");

    uint64_t cap = 1 << 16;
    uint8_t* buf = malloc(cap);
    req.client_id = 42;
    req.sampling_set = TLS_SAMPLING_TOP_K;
    req.top_k = 1;
    CHECK(tls_enqueue(e, &req, &id) == NULL, "enqueue");
    uint8_t reason = 0;
    CHECK(drain(e, 42, buf, cap, &reason) == 5 && reason == TLS_FINISH_LENGTH, "five tokens then LENGTH");

    tls_poll_result tiny;
    req.client_id = 43;
    CHECK(tls_enqueue(e, &req, &id) == NULL, "enqueue 2");
    tls_error* small = NULL;
    for (int i = 0; i < 100 && small == NULL; i++) {
        small = tls_poll(e, 50, buf, 16, &tiny);
    }
    CHECK(tls_error_code(small) == TLS_ERR_BUFFER_TOO_SMALL && tiny.bytes > 16, "buffer too small reports size");
    tls_error_free(small);
    CHECK(drain(e, 43, buf, cap, &reason) == 5, "the record was kept for the next poll");

    req.client_id = 44;
    req.max_tokens = 100000;
    CHECK(tls_enqueue(e, &req, &id) == NULL, "enqueue long");
    CHECK(tls_cancel(e, id) == NULL, "cancel");
    CHECK(tls_cancel(e, 987654) == NULL, "cancel unknown id is ignored");
    drain(e, 44, buf, cap, &reason);
    CHECK(reason == TLS_FINISH_CANCELLED, "cancelled");

    tls_stats st;
    CHECK(tls_stats_get(e, &st) == NULL, "stats");
    CHECK(st.iterations > 0 && st.in_flight == 0 && st.kv_used_blocks == 0, "stats idle");
    tls_iter_stats its[16];
    uint32_t n = 0;
    CHECK(tls_iteration_stats(e, its, 16, &n) == NULL && n > 0, "iteration stats");

    tls_wake(e);
    tls_poll_result woke;
    CHECK(tls_poll(e, 5000, buf, cap, &woke) == NULL && woke.count == 0, "wake returns at once");

    CHECK(tls_engine_shutdown(e) == NULL, "shutdown");
    expect_error(tls_enqueue(e, &req, &id), TLS_ERR_SHUT_DOWN, "enqueue after shutdown");
    tls_engine_destroy(e);
    tls_engine_destroy(NULL);
    free(buf);
    if (failures == 0) {
        printf("shim_smoke: ok\n");
    }
    return failures == 0 ? 0 : 1;
}
