package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class F16MatrixTest {

    static MemorySegment randomF16(Arena arena, int rows, int cols, SplittableRandom rnd) {
        MemorySegment seg = arena.allocate(2L * rows * cols, 64);
        for (long i = 0; i < (long) rows * cols; i++) {
            // mostly normal values, some subnormals (|w| < 2^-14) to exercise that branch
            double v = rnd.nextInt(8) == 0 ? rnd.nextGaussian() * 1e-5 : rnd.nextGaussian() * 0.1;
            seg.set(BlockWriter.F16, 2 * i, Float.floatToFloat16((float) v));
        }
        return seg;
    }

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(18);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 1}, {5, 7}, {3, 172}, {17, 64}, {6, 33}, {4, 200}}) {
                MatrixTestSupport.assertKernelMatchesScalarTwin(
                        new F16Matrix(randomF16(arena, shape[0], shape[1], rnd), shape[0], shape[1]), rnd);
            }
        }
    }

    /** All 65,536 bit patterns: both decoders equal the JDK's binary16 conversion, bit for bit. */
    @Test
    void decodesEveryBitPattern() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2 * 65536, 64);
            for (int h = 0; h < 65536; h++) {
                seg.set(BlockWriter.F16, 2L * h, (short) h);
            }
            F16Matrix m = new F16Matrix(seg, 1, 65536);
            float[] vec = new float[65536];
            float[] ref = new float[65536];
            m.dequantizeRow(0, vec, 0);
            m.dequantizeRowScalar(0, ref, 0);
            for (int h = 0; h < 65536; h++) {
                float want = Float.float16ToFloat((short) h);
                if (Float.isNaN(want)) {
                    assertThat(vec[h]).as("0x%04x", h).isNaN();
                    assertThat(ref[h]).as("0x%04x", h).isNaN();
                } else {
                    assertThat(Float.floatToRawIntBits(vec[h])).as("vector 0x%04x", h)
                            .isEqualTo(Float.floatToRawIntBits(want));
                    assertThat(Float.floatToRawIntBits(ref[h])).as("scalar 0x%04x", h)
                            .isEqualTo(Float.floatToRawIntBits(want));
                }
            }
        }
    }
}
