package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Q4_0MatrixTest {

    static MemorySegment randomQ4_0(Arena arena, int rows, int cols, SplittableRandom rnd) {
        MemorySegment seg = MatrixTestSupport.randomBytes(arena, (long) rows * cols / 32 * 18, rnd);
        for (long b = 0; b < seg.byteSize(); b += 18) { // sane scales (random bits could be NaN/Inf)
            seg.set(BlockWriter.F16, b, Float.floatToFloat16((float) rnd.nextDouble(0.001, 0.05)));
        }
        return seg;
    }

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(40);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 32}, {3, 96}, {7, 160}, {13, 544}, {9, 32 * 31}, {8, 64}, {24, 96}, {40, 32 * 9}, {136, 64}, {264, 96}}) {
                Q4_0Matrix m = new Q4_0Matrix(randomQ4_0(arena, shape[0], shape[1], rnd), shape[0], shape[1]);
                MatrixTestSupport.assertKernelMatchesScalarTwin(m, rnd);
            }
        }
    }

    /** Blocks built element by element: element j is the low nibble of byte j, j+16 the high one. */
    @Test
    void dequantizesHandBuiltBlocks() {
        SplittableRandom rnd = new SplittableRandom(41);
        int rows = 3, cols = 96;
        try (Arena arena = Arena.ofConfined()) {
            BlockWriter w = BlockWriter.zeroed(arena, (long) rows * cols / 32 * 18);
            float[][] expected = new float[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / 32; b++) {
                    long base = (r * (cols / 32L) + b) * 18;
                    float d = BlockWriter.pow2Scale(rnd) * (rnd.nextBoolean() ? 1 : -3);
                    w.f16(base, d);
                    for (int i = 0; i < 32; i++) {
                        int q = rnd.nextInt(16);
                        w.bits(base + 2 + i % 16, i < 16 ? 0 : 4, 4, q);
                        expected[r][b * 32 + i] = (float) ((q - 8) * (double) d);
                    }
                }
            }
            MatrixTestSupport.assertDequantizes(new Q4_0Matrix(w.segment(), rows, cols), expected);
        }
    }
}
