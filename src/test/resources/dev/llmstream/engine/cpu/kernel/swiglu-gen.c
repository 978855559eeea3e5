/* Generates swiglu-vectors.bin with llama.cpp's own SwiGLU (ggml_vec_swiglu_f32 from libggml-cpu of the
 * AVX-512 build that made the golden outputs, commit 3f545bec): 1000 rows of 40 values (two 16-wide vector
 * chunks and an 8-value scalar tail), each row stored as x[40], g[40], y[40] little-endian floats, with
 * y = silu(x) * g. Inputs mostly in [-20, 20], some in [-300, 300] (the exp overflow/underflow branch).
 * Build against a llama.cpp build tree (nothing of ggml is part of this file):
 *   gcc -O2 swiglu-gen.c -o swiglu-gen -L$LLAMA/build/bin -lggml-cpu -Wl,-rpath,$LLAMA/build/bin
 *   ./swiglu-gen > swiglu-vectors.bin */
#include <stdint.h>
#include <stdio.h>

void ggml_vec_swiglu_f32(const int n, float * y, const float * x, const float * g);

int main(void) {
    uint64_t s = 7;
    float x[40], g[40], y[40];
    for (int r = 0; r < 1000; r++) {
        for (int i = 0; i < 40; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            double u = (s >> 40) / (double) (1ULL << 24);
            float span = (r % 10 == 9) ? 300.0f : 20.0f;
            x[i] = -span + 2 * span * (float) u;
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            g[i] = -2.0f + 4.0f * (float) ((s >> 40) / (double) (1ULL << 24));
        }
        ggml_vec_swiglu_f32(40, y, x, g);
        fwrite(x, 4, 40, stdout);
        fwrite(g, 4, 40, stdout);
        fwrite(y, 4, 40, stdout);
    }
    return 0;
}
