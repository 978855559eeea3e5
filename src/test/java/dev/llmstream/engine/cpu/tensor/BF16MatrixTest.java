package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BF16MatrixTest {

    static MemorySegment randomBF16(Arena arena, int rows, int cols, SplittableRandom rnd) {
        MemorySegment seg = arena.allocate(2L * rows * cols, 64);
        for (long i = 0; i < (long) rows * cols; i++) {
            int bits = Float.floatToRawIntBits((float) (rnd.nextGaussian() * 0.1));
            seg.set(BlockWriter.F16, 2 * i, (short) (bits >>> 16));
        }
        return seg;
    }

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(19);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 1}, {5, 7}, {3, 172}, {17, 64}, {6, 33}, {4, 200}}) {
                MatrixTestSupport.assertKernelMatchesScalarTwin(
                        new BF16Matrix(randomBF16(arena, shape[0], shape[1], rnd), shape[0], shape[1]), rnd);
            }
        }
    }

    /** Every bit pattern is the high half of the float with the same sign, exponent and top fraction. */
    @Test
    void decodesEveryBitPattern() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2 * 65536, 64);
            for (int h = 0; h < 65536; h++) {
                seg.set(BlockWriter.F16, 2L * h, (short) h);
            }
            BF16Matrix m = new BF16Matrix(seg, 1, 65536);
            float[] vec = new float[65536];
            float[] ref = new float[65536];
            m.dequantizeRow(0, vec, 0);
            m.dequantizeRowScalar(0, ref, 0);
            for (int h = 0; h < 65536; h++) {
                int sign = h >> 15;
                int exp = (h >> 7) & 0xff;
                int frac = h & 0x7f;
                int want = sign << 31 | exp << 23 | frac << 16;
                assertThat(Float.floatToRawIntBits(vec[h])).as("vector 0x%04x", h).isEqualTo(want);
                assertThat(Float.floatToRawIntBits(ref[h])).as("scalar 0x%04x", h).isEqualTo(want);
            }
        }
    }
}
