package dev.llmstream.engine.cpu.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Q4_KMatrixTest {
    static final int QK = 256;
    static final int BYTES = 144;

    static MemorySegment randomQ4_K(Arena arena, int rows, int cols, SplittableRandom rnd) {
        MemorySegment seg = MatrixTestSupport.randomBytes(arena, (long) rows * cols / QK * BYTES, rnd);
        for (long b = 0; b < seg.byteSize(); b += BYTES) { // sane d and dmin (random bits could be NaN/Inf)
            seg.set(BlockWriter.F16, b, Float.floatToFloat16((float) rnd.nextDouble(1e-4, 0.01)));
            seg.set(BlockWriter.F16, b + 2, Float.floatToFloat16((float) rnd.nextDouble(1e-4, 0.01)));
        }
        return seg;
    }

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(12);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 256}, {3, 512}, {7, 768}, {5, 256 * 5}, {13, 256}, {8, 256}, {24, 512}, {40, 768}}) {
                Q4_KMatrix m = new Q4_KMatrix(randomQ4_K(arena, shape[0], shape[1], rnd), shape[0], shape[1]);
                MatrixTestSupport.assertKernelMatchesScalarTwin(m, rnd);
            }
        }
    }

    /**
     * Super-blocks built from chosen quants, 6-bit scales and mins: element i belongs to sub-block
     * i/32; within the 64-element chunk i/64 its quant is the low (even sub-block) or high (odd) nibble
     * of qs[32·(i/64) + i%32]. Scales are powers of two so {@code d·sc·q − dmin·m} is exact.
     */
    @Test
    void dequantizesHandBuiltBlocks() {
        SplittableRandom rnd = new SplittableRandom(13);
        int rows = 3, cols = 512;
        try (Arena arena = Arena.ofConfined()) {
            BlockWriter w = BlockWriter.zeroed(arena, (long) rows * cols / QK * BYTES);
            float[][] expected = new float[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / QK; b++) {
                    long base = (r * (cols / (long) QK) + b) * BYTES;
                    float d = BlockWriter.pow2Scale(rnd);
                    float dmin = BlockWriter.pow2Scale(rnd);
                    w.f16(base, d);
                    w.f16(base + 2, dmin);
                    int[] sc = new int[8];
                    int[] m = new int[8];
                    for (int j = 0; j < 8; j++) {
                        sc[j] = rnd.nextInt(64);
                        m[j] = rnd.nextInt(64);
                    }
                    sc[7] = 63; // exercise every bit of the packed fields
                    m[6] = 63;
                    w.kScales(base + 4, sc, m);
                    for (int i = 0; i < QK; i++) {
                        int q = rnd.nextInt(16);
                        int j = i / 32;
                        w.bits(base + 16 + 32 * (i / 64) + i % 32, j % 2 == 0 ? 0 : 4, 4, q);
                        expected[r][b * QK + i] = (float) ((double) d * sc[j] * q - (double) dmin * m[j]);
                    }
                }
            }
            MatrixTestSupport.assertDequantizes(new Q4_KMatrix(w.segment(), rows, cols), expected);
        }
    }
}
