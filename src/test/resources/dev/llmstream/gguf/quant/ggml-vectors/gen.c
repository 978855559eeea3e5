#include "ggml.h"
#include "gguf.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <stdint.h>

static void wr(const char *name, const void *p, size_t n) { FILE *f = fopen(name, "wb"); fwrite(p, 1, n, f); fclose(f); }

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
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u1 = ((s >> 11) + 1) * 0x1.0p-53;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u2 = (s >> 11) * 0x1.0p-53;
        double g = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
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
    enum ggml_type types[] = { GGML_TYPE_Q8_0, GGML_TYPE_Q4_0, GGML_TYPE_F16, GGML_TYPE_BF16 };
    const char *names[] = { "Q8_0", "Q4_0", "F16", "BF16" };
    for (int t = 0; t < 4; t++) {
        size_t sz = ggml_row_size(types[t], n);
        void *q = malloc(sz);
        ggml_quantize_chunk(types[t], x, q, 0, 1, n, NULL);
        char fn[64]; snprintf(fn, sizeof fn, "%s.bin", names[t]); wr(fn, q, sz);
        float *y = malloc(n * sizeof(float));
        ggml_get_type_traits(types[t])->to_float(q, y, n);
        snprintf(fn, sizeof fn, "%s.deq.bin", names[t]); wr(fn, y, n * 4);
        printf("%s: %zu bytes\n", names[t], sz);
    }
    return 0;
}
