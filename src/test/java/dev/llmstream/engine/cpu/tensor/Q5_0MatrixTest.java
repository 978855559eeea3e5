package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.quant.WeightCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Q5_0MatrixTest {

    static MemorySegment randomQ5_0(Arena arena, int rows, int cols, SplittableRandom rnd) {
        MemorySegment seg = MatrixTestSupport.randomBytes(arena, (long) rows * cols / 32 * 22, rnd);
        for (long b = 0; b < seg.byteSize(); b += 22) { // sane scales (random bits could be NaN/Inf)
            seg.set(BlockWriter.F16, b, Float.floatToFloat16((float) rnd.nextDouble(0.001, 0.05)));
        }
        return seg;
    }

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(50);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 32}, {3, 96}, {7, 160}, {13, 544}, {9, 32 * 31}, {8, 64}, {24, 96}, {40, 32 * 9}, {136, 64}, {264, 96}}) {
                Q5_0Matrix m = new Q5_0Matrix(randomQ5_0(arena, shape[0], shape[1], rnd), shape[0], shape[1]);
                MatrixTestSupport.assertKernelMatchesScalarTwin(m, rnd);
            }
        }
    }

    /**
     * Every ggml path (vec_dot for one token, tinyBLAS for batches) has the same arithmetic for Q5_0: each
     * {@link MatmulMode} gives the scalar twin's bits, and the same bits as the others.
     */
    @Test
    void everyMatmulModeGivesTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(51);
        try (Arena arena = Arena.ofConfined()) {
            MatrixTestSupport.assertModesAgree(new Q5_0Matrix(randomQ5_0(arena, 45, 320, rnd), 45, 320), rnd);
        }
    }

    @Test
    void rowIsTheSameAloneOrInABatchOf32() {
        SplittableRandom rnd = new SplittableRandom(52);
        try (Arena arena = Arena.ofConfined()) {
            MatrixTestSupport.assertBatchInvariant(new Q5_0Matrix(randomQ5_0(arena, 150, 960, rnd), 150, 960), rnd);
        }
    }

    /** Blocks built element by element: bit 4 of element j is bit j of qh; the nibbles as in Q4_0. */
    @Test
    void dequantizesHandBuiltBlocks() {
        SplittableRandom rnd = new SplittableRandom(53);
        int rows = 3, cols = 96;
        try (Arena arena = Arena.ofConfined()) {
            BlockWriter w = BlockWriter.zeroed(arena, (long) rows * cols / 32 * 22);
            float[][] expected = new float[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / 32; b++) {
                    long base = (r * (cols / 32L) + b) * 22;
                    float d = BlockWriter.pow2Scale(rnd) * (rnd.nextBoolean() ? 1 : -3);
                    w.f16(base, d);
                    for (int i = 0; i < 32; i++) {
                        int q = rnd.nextInt(32);
                        w.bits(base + 6 + i % 16, i < 16 ? 0 : 4, 4, q & 15);
                        w.bits(base + 2 + i / 8, i % 8, 1, q >> 4);
                        expected[r][b * 32 + i] = (float) ((q - 16) * (double) d);
                    }
                }
            }
            MatrixTestSupport.assertDequantizes(new Q5_0Matrix(w.segment(), rows, cols), expected);
        }
    }

    /** Both dequantizations equal the codec's ({@code dequantize_row_q5_0}) on blocks the codec wrote. */
    @Test
    void dequantizesAsTheCodec() {
        SplittableRandom rnd = new SplittableRandom(54);
        int rows = 7, cols = 160;
        float[] w = MatrixTestSupport.randomActivations(rows * cols, rnd);
        WeightCodec codec = WeightCodec.of(GgmlType.Q5_0);
        MemorySegment seg = MemorySegment.ofArray(codec.quantize(w));
        float[] expected = codec.dequantize(seg, rows * cols);
        Q5_0Matrix m = new Q5_0Matrix(seg, rows, cols);
        float[] a = new float[cols];
        float[] b = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, a, 0);
            m.dequantizeRowScalar(r, b, 0);
            assertThat(a).containsExactly(Arrays.copyOfRange(expected, r * cols, (r + 1) * cols));
            assertThat(b).containsExactly(a);
        }
    }
}
