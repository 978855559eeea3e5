package dev.llmstream.engine.cpu.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Q6_KMatrixTest {
    static final int QK = 256;
    static final int BYTES = 210;

    static MemorySegment randomQ6_K(Arena arena, int rows, int cols, SplittableRandom rnd) {
        MemorySegment seg = MatrixTestSupport.randomBytes(arena, (long) rows * cols / QK * BYTES, rnd);
        for (long b = 0; b < seg.byteSize(); b += BYTES) { // sane d (random bits could be NaN/Inf)
            seg.set(BlockWriter.F16, b + 208, Float.floatToFloat16((float) rnd.nextDouble(1e-4, 0.01)));
        }
        return seg;
    }

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(16);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 256}, {3, 512}, {7, 768}, {5, 256 * 5}, {13, 256}, {8, 256}, {24, 512}, {40, 768}}) {
                Q6_KMatrix m = new Q6_KMatrix(randomQ6_K(arena, shape[0], shape[1], rnd), shape[0], shape[1]);
                MatrixTestSupport.assertKernelMatchesScalarTwin(m, rnd);
            }
        }
    }

    /**
     * Super-blocks built in the shape of ggml's {@code dequantize_row_q6_K} loop: for half n and
     * l = 0..31 the four elements 128n + l + 32t (t = 0..3) take their low 4 bits from the low nibble of
     * ql[64n + l] (t=0), of ql[64n + 32 + l] (t=1), the high nibbles of those (t=2, 3), their top 2 bits
     * from bits 2t..2t+1 of qh[32n + l], and scale scales[8n + l/16 + 2t]; q is stored + 32.
     */
    @Test
    void dequantizesHandBuiltBlocks() {
        SplittableRandom rnd = new SplittableRandom(17);
        int rows = 3, cols = 512;
        try (Arena arena = Arena.ofConfined()) {
            BlockWriter w = BlockWriter.zeroed(arena, (long) rows * cols / QK * BYTES);
            float[][] expected = new float[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / QK; b++) {
                    long base = (r * (cols / (long) QK) + b) * BYTES;
                    float d = BlockWriter.pow2Scale(rnd);
                    w.f16(base + 208, d);
                    int[] sc = new int[16];
                    for (int s = 0; s < 16; s++) {
                        sc[s] = rnd.nextInt(-128, 128);
                        w.i8(base + 192 + s, sc[s]);
                    }
                    for (int n = 0; n < 2; n++) {
                        for (int l = 0; l < 32; l++) {
                            for (int t = 0; t < 4; t++) {
                                int q = rnd.nextInt(-32, 32);
                                int u = q + 32;
                                w.bits(base + 64 * n + l + (t % 2 == 1 ? 32 : 0), t < 2 ? 0 : 4, 4, u & 15);
                                w.bits(base + 128 + 32 * n + l, 2 * t, 2, u >> 4);
                                int i = 128 * n + l + 32 * t;
                                expected[r][b * QK + i] = (float) ((double) d * sc[8 * n + l / 16 + 2 * t] * q);
                            }
                        }
                    }
                }
            }
            MatrixTestSupport.assertDequantizes(new Q6_KMatrix(w.segment(), rows, cols), expected);
        }
    }
}
