package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Q8_0MatrixTest {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static MemorySegment randomQ8_0(Arena arena, int rows, int cols, SplittableRandom rnd) {
        MemorySegment seg = MatrixTestSupport.randomBytes(arena, (long) rows * cols / 32 * 34, rnd);
        for (long b = 0; b < seg.byteSize(); b += 34) { // sane scales (random bits could be NaN/Inf)
            seg.set(F16, b, Float.floatToFloat16((float) (rnd.nextDouble(0.001, 0.05))));
        }
        return seg;
    }

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 32}, {3, 96}, {7, 160}, {13, 544}, {9, 32 * 31}, {8, 64}, {24, 96}, {40, 32 * 9}, {136, 64}, {264, 96}}) {
                Q8_0Matrix m = new Q8_0Matrix(randomQ8_0(arena, shape[0], shape[1], rnd), shape[0], shape[1]);
                MatrixTestSupport.assertKernelMatchesScalarTwin(m, rnd);
            }
        }
    }

    @Test
    void dequantizesFromTheFormatDefinition() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(34);
            seg.set(F16, 0, Float.floatToFloat16(0.5f));
            for (int j = 0; j < 32; j++) {
                seg.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) (j - 16));
            }
            float[] w = new float[32];
            new Q8_0Matrix(seg, 1, 32).dequantizeRowScalar(0, w, 0);
            for (int j = 0; j < 32; j++) {
                assertThat(w[j]).isEqualTo((j - 16) * 0.5f);
            }
        }
    }

    @Test
    void rejectsWrongSizes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(34);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Q8_0Matrix(seg, 2, 32))
                    .isInstanceOf(IllegalArgumentException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Q8_0Matrix(seg, 1, 31))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
