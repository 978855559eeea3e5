#include "ggml.h"
#include "gguf.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <stdint.h>

static void wr(const char *name, const void *p, size_t n) { FILE *f = fopen(name, "wb"); fwrite(p, 1, n, f); fclose(f); }

static double gauss(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u1 = ((*s >> 11) + 1) * 0x1.0p-53;
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u2 = (*s >> 11) * 0x1.0p-53;
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

// ggml_quantize_chunk (no importance matrix, one row) -> NAME{suffix}.bin, to_float of it -> NAME{suffix}.deq.bin
static void quantize_to_files(enum ggml_type type, const char *name, const char *suffix, const float *x, int n) {
    size_t sz = ggml_row_size(type, n);
    void *q = malloc(sz);
    ggml_quantize_chunk(type, x, q, 0, 1, n, NULL);
    char fn[64]; snprintf(fn, sizeof fn, "%s%s.bin", name, suffix); wr(fn, q, sz);
    float *y = malloc(n * sizeof(float));
    ggml_get_type_traits(type)->to_float(q, y, n);
    snprintf(fn, sizeof fn, "%s%s.deq.bin", name, suffix); wr(fn, y, n * 4);
    printf("%s%s: %zu bytes\n", name, suffix, sz);
    free(q); free(y);
}

int main(int argc, char **argv) {
    if (argc > 1) { // gguf check mode
        for (int a = 1; a < argc; a++) {
            struct gguf_init_params params = { .no_alloc = true, .ctx = NULL };
            struct gguf_context *ctx = gguf_init_from_file(argv[a], params);
            if (!ctx) { printf("FAIL %s\n", argv[a]); return 1; }
            printf("OK %s: v%u, %lld kv, %lld tensors, data offset %zu, alignment %zu\n", argv[a], gguf_get_version(ctx),
                (long long) gguf_get_n_kv(ctx), (long long) gguf_get_n_tensors(ctx), gguf_get_data_offset(ctx), gguf_get_alignment(ctx));
            gguf_free(ctx);
        }
        return 0;
    }
    const int n = 32 * 64;
    float *x = malloc(n * sizeof(float));
    uint64_t s = 12345;
    for (int i = 0; i < n; i++) {
        double g = gauss(&s);
        int kind = (i / 32) % 8;
        if (kind == 0) x[i] = (float) g;
        else if (kind == 1) x[i] = (float) (g * 1e-3);
        else if (kind == 2) x[i] = (float) ((i % 32) - 16) * 0.5f;       // exact halves after scaling
        else if (kind == 3) x[i] = (float) (round(g * 4) / 4);           // quarter steps
        else if (kind == 4) x[i] = (float) (g * 1e-6);                   // tiny (f16 subnormal scales)
        else if (kind == 5) x[i] = (i % 32 == 7) ? -100.0f : (float) g;  // one negative outlier
        else if (kind == 6) x[i] = 0.0f;
        else x[i] = (float) (g * 1000);
    }
    wr("floats.bin", x, n * 4);
    enum ggml_type types[] = { GGML_TYPE_Q8_0, GGML_TYPE_Q4_0, GGML_TYPE_F16, GGML_TYPE_BF16,
                               GGML_TYPE_Q5_0, GGML_TYPE_Q5_1, GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K };
    const char *names[] = { "Q8_0", "Q4_0", "F16", "BF16", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K" };
    for (int t = 0; t < 9; t++) {
        quantize_to_files(types[t], names[t], "", x, n);
    }

    // Super-block-level cases for the K-quants (kfloats.bin): 32 super-blocks of 256, one kind each.
    const int nk = 256 * 32;
    float *k = malloc(nk * sizeof(float));
    for (int b = 0; b < 32; b++) {
        float *y = k + 256 * b;
        for (int i = 0; i < 256; i++) {
            double g = gauss(&s);
            double v;
            switch (b) {
                case 0: v = 0; break;                                         // all zero
                case 1: v = fabs(g); break;                                   // all positive (min clamps to 0)
                case 2: v = -fabs(g); break;                                  // all negative
                case 3: v = 0.5; break;                                       // constant positive
                case 4: v = -0.5; break;                                      // constant negative (max == min)
                case 5: v = g * 1e-6; break;                                  // tiny: subnormal F16 d
                case 6: v = g * 1e-9; break;                                  // tinier: d rounds to 0
                case 7: v = g * 3000; break;                                  // large
                case 8: v = (i == 77) ? 40.0 : g; break;                      // one positive outlier
                case 9: v = (i == 200) ? -40.0 : g; break;                    // one negative outlier
                case 10: v = g * pow(10.0, (i / 32) - 4); break;              // sub-blocks 1e-4 .. 1e3
                case 11: v = g * pow(10.0, 3 - (i / 16) % 8); break;          // Q6_K sub-blocks spanning 1e3 .. 1e-4
                case 12: v = (i % 32) - 16; break;                            // integer ramps (ties)
                case 13: v = round(g * 8) / 8; break;                         // eighth steps
                case 14: v = 1.0 + 0.1 * g; break;                            // norm-gain-like, positive offset
                case 15: v = (i / 32) % 2 ? 0 : g; break;                     // alternating zero sub-blocks
                case 16: v = (i / 16) % 2 ? 0 : g; break;                     // alternating zero Q6_K sub-blocks
                case 17: v = g > 0 ? g * g : -g * g * 0.1; break;             // skewed
                case 18: v = (i % 2) ? 1.0 : -1.0; break;                     // two levels
                case 19: v = (i % 32 == 0) ? 1.0 : 0.0; break;                // sparse spikes
                default: v = g / sqrt(960.0 + 64 * b); break;                 // synth-like N(0, 1/fan_in)
            }
            y[i] = (float) v;
        }
    }
    wr("kfloats.bin", k, nk * 4);
    for (int t = 6; t < 9; t++) { // Q4_K, Q5_K, Q6_K
        quantize_to_files(types[t], names[t], ".k", k, nk);
    }
    return 0;
}
