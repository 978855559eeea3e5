/* Generates expf-vectors.bin: 20000 (x, expf(x)) float pairs, little endian, from the C library of
 * the machine that made llama.cpp's golden outputs (glibc 2.36, x86-64 with FMA).
 * Build: gcc -O2 expf-gen.c -lm -o expf-gen && ./expf-gen > expf-vectors.bin */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    uint64_t s = 20251121;
    for (int i = 0; i < 20000; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        float x;
        if (i < 16000) {
            x = -100.0f * (float) ((s >> 40) / (double) (1ULL << 24)); /* softmax range [-100, 0] */
        } else {
            x = -10.0f + 20.0f * (float) ((s >> 40) / (double) (1ULL << 24)); /* silu range */
        }
        volatile float vx = x;
        float y = expf(vx);
        fwrite(&x, 4, 1, stdout);
        fwrite(&y, 4, 1, stdout);
    }
    return 0;
}
