package dev.llmstream.engine.cpu.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * llama.cpp's dot products, one weight row against one prepared activation row, written out literally from
 * the x86 kernels of ggml-cpu (commit 3f545bec, AVX-512F/VNNI build, no AMX). These are the scalar twins the
 * vector kernels must equal bit for bit, and the reference the golden outputs were made with. In the 8-bit
 * formats every partial sum is an exact integer (computed here in {@code int}); what matters for the bits is
 * only where the float operations happen: which integer sums are converted, multiplied by which scale, and
 * accumulated in which order. Weights are read from the original ggml blocks.
 */
final class GgmlDots {
    private static final ValueLayout.OfFloat F32_LE = BlockMatrix.F32_LE;

    private GgmlDots() {}

    /** {@code _mm256_extractf128} / {@code movehl} / {@code movehdup} fold of 8 lanes ({@code hsum_float_8}). */
    static float hsum8(float[] a) {
        return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
    }

    /** {@code _mm512_reduce_add_ps} as GCC expands it: halves 256, 128, then 64 and 32 bits. */
    static float reduce16(float[] a) {
        float[] t = new float[8];
        for (int i = 0; i < 8; i++) {
            t[i] = a[i] + a[i + 8];
        }
        float u0 = t[0] + t[4];
        float u1 = t[1] + t[5];
        float u2 = t[2] + t[6];
        float u3 = t[3] + t[7];
        return (u0 + u2) + (u1 + u3);
    }

    private static int i8(MemorySegment s, long o) {
        return s.get(ValueLayout.JAVA_BYTE, o);
    }

    private static int u8(MemorySegment s, long o) {
        return s.get(ValueLayout.JAVA_BYTE, o) & 0xFF;
    }

    /**
     * Q8_0 × Q8_0 ({@code ggml_vec_dot_q8_0_q8_0}, and {@code tinyBLAS_Q0_AVX} for batches — same arithmetic):
     * eight lanes; per block {@code d = d_w·d_x}, lane {@code l} gets the integer sum of the four products
     * {@code 4l..4l+3} ({@code _mm256_dpbusd_epi32}) through {@code acc_l = fma(d, S, acc_l)}; then
     * {@link #hsum8}. With {@code q4} the weights are Q4_0 nibbles minus 8 ({@code ggml_vec_dot_q4_0_q8_0},
     * the path of Q4_0 matrices that are not repacked).
     */
    static float q8_0Lanes(MemorySegment w, long rowBase, int cols, boolean q4, PreparedInput x, int t) {
        float[] acc = new float[8];
        int blockBytes = q4 ? Q4_0Matrix.BLOCK_BYTES : Q8_0Matrix.BLOCK_BYTES;
        long base = rowBase;
        for (int b = 0; b < cols / 32; b++, base += blockBytes) {
            float d = BlockMatrix.f16(w, base) * x.scales[t * (cols / 32) + b];
            int xo = t * cols + 32 * b;
            for (int l = 0; l < 8; l++) {
                int s = 0;
                for (int e = 4 * l; e < 4 * l + 4; e++) {
                    int q = q4 ? (e < 16 ? u8(w, base + 2 + e) & 15 : u8(w, base + 2 + e - 16) >> 4) - 8
                            : i8(w, base + 2 + e);
                    s += q * (int) x.values[xo + e];
                }
                acc[l] = Math.fma(d, (float) s, acc[l]);
            }
        }
        return hsum8(acc);
    }

    /**
     * The 5-bit quant (0..31) of element {@code e} of a Q5_0/Q5_1 block: the low nibble of byte {@code e}
     * ({@code e < 16}) or the high nibble of byte {@code e − 16} of {@code qs}, and bit {@code e} of the
     * little-endian 32-bit {@code qh} as bit 4 ({@code dequantize_row_q5_0}).
     */
    static int q5(MemorySegment w, long qh, long qs, int e) {
        int nib = e < 16 ? u8(w, qs + e) & 15 : u8(w, qs + e - 16) >> 4;
        return nib | ((u8(w, qh + e / 8) >> (e % 8)) & 1) << 4;
    }

    /**
     * Q5_0 × Q8_0 ({@code ggml_vec_dot_q5_0_q8_0}, AVX2 code, and {@code tinyBLAS_Q0_AVX<block_q5_0>} for
     * batches — same arithmetic): as {@link #q8_0Lanes} with the weights {@code q5 − 16}; per block
     * {@code d = d_w·d_x}, lane {@code l} gets the integer sum of products {@code 4l..4l+3}
     * ({@code _mm256_dpbusd_epi32} of {@code |q|} and the signed activations) through
     * {@code acc_l = fma(d, S, acc_l)}; then {@link #hsum8}. Block: f16 {@code d} at 0, {@code qh} at 2,
     * {@code qs} at 6.
     */
    static float q5_0Lanes(MemorySegment w, long rowBase, int cols, PreparedInput x, int t) {
        float[] acc = new float[8];
        long base = rowBase;
        for (int b = 0; b < cols / 32; b++, base += Q5_0Matrix.BLOCK_BYTES) {
            float d = BlockMatrix.f16(w, base) * x.scales[t * (cols / 32) + b];
            int xo = t * cols + 32 * b;
            for (int l = 0; l < 8; l++) {
                int s = 0;
                for (int e = 4 * l; e < 4 * l + 4; e++) {
                    s += (q5(w, base + 2, base + 6, e) - 16) * (int) x.values[xo + e];
                }
                acc[l] = Math.fma(d, (float) s, acc[l]);
            }
        }
        return hsum8(acc);
    }

    /**
     * Q5_1 × Q8_1 ({@code ggml_vec_dot_q5_1_q8_1}, AVX2 code; no tinyBLAS or repacked path exists for Q5_1,
     * so batches take it too): eight lanes; per block lane {@code l} gets the integer sum {@code S} of
     * products {@code 4l..4l+3} of the unsigned quants with the activation quants through
     * {@code acc_l = fma(S, d_w·d_x, acc_l)}; the offsets {@code summs = fma(m_w, s_x, summs)} in block
     * order ({@code s_x} = the f16 {@code d·Σq} of the Q8_1 block; compiled to {@code vfmadd231ss}, though the
     * product of two halves is exact anyway); result {@code hsum8(acc) + summs}. Block: f16 {@code d} at 0,
     * f16 {@code m} at 2, {@code qh} at 4, {@code qs} at 8.
     */
    static float q5_1Lanes(MemorySegment w, long rowBase, int cols, PreparedInput x, int t) {
        float[] acc = new float[8];
        float summs = 0f;
        long base = rowBase;
        for (int b = 0; b < cols / 32; b++, base += Q5_1Matrix.BLOCK_BYTES) {
            int xb = t * (cols / 32) + b;
            summs = Math.fma(BlockMatrix.f16(w, base + 2), x.sums[xb], summs);
            float d = BlockMatrix.f16(w, base) * x.scales[xb];
            int xo = t * cols + 32 * b;
            for (int l = 0; l < 8; l++) {
                int s = 0;
                for (int e = 4 * l; e < 4 * l + 4; e++) {
                    s += q5(w, base + 4, base + 8, e) * (int) x.values[xo + e];
                }
                acc[l] = Math.fma((float) s, d, acc[l]);
            }
        }
        return hsum8(acc) + summs;
    }

    /**
     * Q4_0 repacked to {@code block_q4_0x8} ({@code ggml_gemv/gemm_q4_0_8x8_q8_0}, x86
     * {@code gemv_q4_b32_8x8_q8_0_lut_avx}): one accumulator; per block the full 32-product integer sum,
     * {@code acc = fma((float) S, d_w·d_x, acc)}. Batch and single tokens alike.
     */
    static float q4_0Repacked(MemorySegment w, long rowBase, int cols, PreparedInput x, int t) {
        float acc = 0f;
        long base = rowBase;
        for (int b = 0; b < cols / 32; b++, base += Q4_0Matrix.BLOCK_BYTES) {
            int xo = t * cols + 32 * b;
            int s = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, base + 2 + j);
                s += ((q & 15) - 8) * (int) x.values[xo + j] + ((q >> 4) - 8) * (int) x.values[xo + j + 16];
            }
            acc = Math.fma((float) s, BlockMatrix.f16(w, base) * x.scales[t * (cols / 32) + b], acc);
        }
        return acc;
    }

    /** The 32-product sum of Q4_K sub-block {@code j} (nibbles 0..15, no scale) of the block at {@code base}. */
    private static int q4_KSub(MemorySegment w, long base, int j, PreparedInput x, int xo) {
        int s = 0;
        long q = base + Q4_KMatrix.QS + 32L * (j / 2);
        int shift = 4 * (j & 1);
        for (int l = 0; l < 32; l++) {
            s += ((u8(w, q + l) >> shift) & 15) * (int) x.values[xo + 32 * j + l];
        }
        return s;
    }

    /** Sum of the 32 activation quants of sub-block {@code j} (two {@code bsums}). */
    private static int bsum32(PreparedInput x, int t, int cols, int b, int j) {
        int g = t * (cols / 16) + 16 * b + 2 * j;
        return (int) x.sums[g] + (int) x.sums[g + 1];
    }

    /**
     * Q4_K repacked to {@code block_q4_Kx8} ({@code ggml_gemv/gemm_q4_K_8x8_q8_K}): per super-block the
     * scaled sub-block sums {@code Σ sc_j·S_j} and the min terms {@code Σ m_j·bsum_j} (integers) feed
     * {@code acc = fma(isum, d·d_x, acc)} and {@code accMin = fma(imin, dmin·d_x, accMin)}; result
     * {@code acc − accMin}. The 4-token {@code gemm} ({@code tile}) does this per pair of sub-blocks (4 times
     * per super-block), {@code gemv} once per super-block.
     */
    static float q4_KRepacked(MemorySegment w, long rowBase, int cols, PreparedInput x, int t, boolean tile) {
        float acc = 0f;
        float accMin = 0f;
        int groups = tile ? 4 : 1;
        int per = 8 / groups;
        long base = rowBase;
        for (int b = 0; b < cols / 256; b++, base += Q4_KMatrix.BLOCK_BYTES) {
            float dd = BlockMatrix.f16(w, base) * x.scales[t * (cols / 256) + b];
            float dm = BlockMatrix.f16(w, base + 2) * x.scales[t * (cols / 256) + b];
            int xo = t * cols + 256 * b;
            for (int g = 0; g < groups; g++) {
                int is = 0;
                int im = 0;
                for (int j = g * per; j < (g + 1) * per; j++) {
                    is += KScales.scale(w, base + Q4_KMatrix.SCALES, j) * q4_KSub(w, base, j, x, xo);
                    im += KScales.min(w, base + Q4_KMatrix.SCALES, j) * bsum32(x, t, cols, b, j);
                }
                acc = Math.fma((float) is, dd, acc);
                accMin = Math.fma((float) im, dm, accMin);
            }
        }
        return acc - accMin;
    }

    /**
     * Q4_K not repacked ({@code ggml_vec_dot_q4_K_q8_K}, AVX2 code): eight lanes; lane {@code p} sums, over
     * the eight sub-blocks, {@code sc_j ·} (the four products {@code 4p..4p+3} of the sub-block), then
     * {@code acc_p = fma(d_x·d, isum_p, acc_p)}; four min lanes {@code accM_i = fma(−d_x·dmin,
     * m_2i·bsum_2i + m_2i+1·bsum_2i+1, accM_i)}; result {@code hsum8(acc) + ((accM_0 + accM_2) + (accM_1 + accM_3))}.
     */
    static float q4_KLanes(MemorySegment w, long rowBase, int cols, PreparedInput x, int t) {
        float[] acc = new float[8];
        float[] accM = new float[4];
        long base = rowBase;
        for (int b = 0; b < cols / 256; b++, base += Q4_KMatrix.BLOCK_BYTES) {
            float dx = x.scales[t * (cols / 256) + b];
            float d = dx * BlockMatrix.f16(w, base);
            float dmin = -dx * BlockMatrix.f16(w, base + 2);
            int xo = t * cols + 256 * b;
            for (int i = 0; i < 4; i++) {
                int prod = KScales.min(w, base + Q4_KMatrix.SCALES, 2 * i) * bsum32(x, t, cols, b, 2 * i)
                        + KScales.min(w, base + Q4_KMatrix.SCALES, 2 * i + 1) * bsum32(x, t, cols, b, 2 * i + 1);
                accM[i] = Math.fma(dmin, (float) prod, accM[i]);
            }
            for (int p = 0; p < 8; p++) {
                int s = 0;
                for (int j = 0; j < 8; j++) {
                    long q = base + Q4_KMatrix.QS + 32L * (j / 2);
                    int shift = 4 * (j & 1);
                    int sj = 0;
                    for (int e = 4 * p; e < 4 * p + 4; e++) {
                        sj += ((u8(w, q + e) >> shift) & 15) * (int) x.values[xo + 32 * j + e];
                    }
                    s += KScales.scale(w, base + Q4_KMatrix.SCALES, j) * sj;
                }
                acc[p] = Math.fma(d, (float) s, acc[p]);
            }
        }
        return hsum8(acc) + ((accM[0] + accM[2]) + (accM[1] + accM[3]));
    }

    /** The 6-bit quant (0..63, before the −32 offset) of element {@code i} of the Q6_K block at {@code base}. */
    static int q6_K(MemorySegment w, long base, int i) {
        int n = i / 128;
        int g = (i % 128) / 32;
        int l = i % 32;
        int ql = u8(w, base + 64 * n + 32 * (g & 1) + l);
        int low = g < 2 ? ql & 15 : ql >> 4;
        int high = (u8(w, base + Q6_KMatrix.QH + 32 * n + l) >> (2 * g)) & 3;
        return low | high << 4;
    }

    /**
     * Q6_K × Q8_K ({@code ggml_vec_dot_q6_K_q8_K}, AVX2 code; Q6_K is never repacked on x86): eight integer
     * lanes per super-block; lane {@code p} sums, for each 32-element quarter, its 16-element group scale
     * times the four products {@code 4p..4p+3} of unsigned quants, minus {@code 32·(sc_2p·bsum_2p +
     * sc_2p+1·bsum_2p+1)} (the −32 offset, taken on elements {@code 32p..32p+31}); then
     * {@code acc_p = fma(d_x·d, isum_p, acc_p)} and {@link #hsum8}.
     */
    static float q6_KLanes(MemorySegment w, long rowBase, int cols, PreparedInput x, int t) {
        float[] acc = new float[8];
        long base = rowBase;
        for (int b = 0; b < cols / 256; b++, base += Q6_KMatrix.BLOCK_BYTES) {
            float d = x.scales[t * (cols / 256) + b] * BlockMatrix.f16(w, base + Q6_KMatrix.D);
            int xo = t * cols + 256 * b;
            int go = t * (cols / 16) + 16 * b;
            for (int p = 0; p < 8; p++) {
                int s = 0;
                for (int quarter = 0; quarter < 8; quarter++) { // 128·n + 32·g
                    int sc = i8(w, base + Q6_KMatrix.SCALES + 2 * quarter + (p >= 4 ? 1 : 0));
                    int sq = 0;
                    for (int e = 4 * p; e < 4 * p + 4; e++) {
                        sq += q6_K(w, base, 32 * quarter + e) * (int) x.values[xo + 32 * quarter + e];
                    }
                    s += sc * sq;
                }
                s -= 32 * (i8(w, base + Q6_KMatrix.SCALES + 2 * p) * (int) x.sums[go + 2 * p]
                        + i8(w, base + Q6_KMatrix.SCALES + 2 * p + 1) * (int) x.sums[go + 2 * p + 1]);
                acc[p] = Math.fma(d, (float) s, acc[p]);
            }
        }
        return hsum8(acc);
    }

    /**
     * tinyBLAS for F32/F16 (AVX-512, {@code llamafile_sgemm}, batches with {@code cols % 16 == 0} and
     * {@code rows % 4 == 0}): one 16-lane accumulator, {@code acc[k mod 16] = fma(w, x, ·)} in order,
     * then {@link #reduce16}. {@code w} holds the row as floats.
     */
    static float tiny16(float[] w, float[] x, int xOff, int n) {
        float[] acc = new float[16];
        for (int k = 0; k < n; k++) {
            acc[k & 15] = Math.fma(w[k], x[xOff + k], acc[k & 15]);
        }
        return reduce16(acc);
    }

    /**
     * {@code ggml_vec_dot_f32} (AVX-512) as compiled: four 16-lane accumulators over 64-element steps,
     * folded {@code (s0 + s2) + (s1 + s3)} and {@link #reduce16}; the tail is summed into that float in
     * order — as rounded products for the first multiple of 8 (the compiler's vectorized loop), by fused
     * multiply-adds for the rest.
     */
    static float vecDotF32(float[] w, float[] x, int xOff, int n) {
        int np = n & ~63;
        float sum = np > 0 ? steps64(w, x, xOff, np) : 0f;
        int v = np + ((n - np) & ~7);
        for (int i = np; i < v; i++) {
            sum += w[i] * x[xOff + i];
        }
        for (int i = v; i < n; i++) {
            sum = Math.fma(w[i], x[xOff + i], sum);
        }
        return sum;
    }

    /** {@code ggml_vec_dot_f16} (AVX-512 without FP16): as {@link #vecDotF32}, the tail summed in double. */
    static float vecDotF16(float[] w, float[] x, int xOff, int n) {
        int np = n & ~63;
        double sum = np > 0 ? steps64(w, x, xOff, np) : 0.0;
        for (int i = np; i < n; i++) {
            sum += w[i] * x[xOff + i];
        }
        return (float) sum;
    }

    private static float steps64(float[] w, float[] x, int xOff, int np) {
        float[][] s = new float[4][16];
        for (int i = 0; i < np; i += 64) {
            for (int j = 0; j < 4; j++) {
                for (int l = 0; l < 16; l++) {
                    int k = i + 16 * j + l;
                    s[j][l] = Math.fma(w[k], x[xOff + k], s[j][l]);
                }
            }
        }
        float[] r = new float[16];
        for (int l = 0; l < 16; l++) {
            r[l] = (s[0][l] + s[2][l]) + (s[1][l] + s[3][l]);
        }
        return reduce16(r);
    }

    /** Row {@code r} of an F32 matrix as floats. */
    static float[] f32Row(MemorySegment data, int r, int cols) {
        float[] w = new float[cols];
        for (int k = 0; k < cols; k++) {
            w[k] = data.get(F32_LE, 4L * ((long) r * cols + k));
        }
        return w;
    }
}
