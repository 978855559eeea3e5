/* Generates sincosf-vectors.bin: 30000 (x, sinf(x), cosf(x)) float triples, little endian, from sincosf of
 * the C library of the machine that made llama.cpp's golden outputs (glibc 2.36, x86-64 with FMA). Inputs:
 * RoPE angles p * theta_scale^i as ggml's rope cache forms them (float products), then uniform values in
 * [-200, 200] and [-1e5, 1e5].
 * Build: gcc -O2 sincosf-gen.c -lm -o sincosf-gen && ./sincosf-gen > sincosf-vectors.bin */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static void emit(float x) {
    volatile float vx = x;
    float s, c;
    sincosf(vx, &s, &c);
    fwrite(&x, 4, 1, stdout);
    fwrite(&s, 4, 1, stdout);
    fwrite(&c, 4, 1, stdout);
}

int main(void) {
    uint64_t st = 20260101;
    int n = 0;
    /* RoPE angles: head dims 64 and 128, base 10000, positions spread over [0, 32768) */
    for (int k = 0; n < 10000; k++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        int dims = (k & 1) ? 128 : 64;
        float ts = powf(10000.0f, -2.0f / dims);
        float theta = (float) (int) ((st >> 40) % 32768);
        for (int i = 0; i < dims / 2 && n < 10000; i += 5, n++) {
            emit(theta);
            for (int j = 0; j < 5; j++) {
                theta *= ts;
            }
        }
    }
    for (; n < 20000; n++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        emit(-200.0f + 400.0f * (float) ((st >> 40) / (double) (1ULL << 24)));
    }
    for (; n < 30000; n++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        emit(-1e5f + 2e5f * (float) ((st >> 40) / (double) (1ULL << 24)));
    }
    return 0;
}
