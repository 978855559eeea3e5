package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.quant.WeightCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Q5_1MatrixTest {

    static MemorySegment randomQ5_1(Arena arena, int rows, int cols, SplittableRandom rnd) {
        MemorySegment seg = MatrixTestSupport.randomBytes(arena, (long) rows * cols / 32 * 24, rnd);
        for (long b = 0; b < seg.byteSize(); b += 24) { // sane scale and offset (random bits could be NaN/Inf)
            seg.set(BlockWriter.F16, b, Float.floatToFloat16((float) rnd.nextDouble(0.001, 0.05)));
            seg.set(BlockWriter.F16, b + 2, Float.floatToFloat16((float) rnd.nextDouble(-0.8, 0.1)));
        }
        return seg;
    }

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(60);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 32}, {3, 96}, {7, 160}, {13, 544}, {9, 32 * 31}, {8, 64}, {24, 96}, {40, 32 * 9}, {136, 64}, {264, 96}}) {
                Q5_1Matrix m = new Q5_1Matrix(randomQ5_1(arena, shape[0], shape[1], rnd), shape[0], shape[1]);
                MatrixTestSupport.assertKernelMatchesScalarTwin(m, rnd);
            }
        }
    }

    /** Q5_1 has one llama.cpp path ({@code ggml_vec_dot_q5_1_q8_1}) whatever the batch: every mode agrees. */
    @Test
    void everyMatmulModeGivesTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(61);
        try (Arena arena = Arena.ofConfined()) {
            MatrixTestSupport.assertModesAgree(new Q5_1Matrix(randomQ5_1(arena, 45, 320, rnd), 45, 320), rnd);
        }
    }

    @Test
    void rowIsTheSameAloneOrInABatchOf32() {
        SplittableRandom rnd = new SplittableRandom(62);
        try (Arena arena = Arena.ofConfined()) {
            MatrixTestSupport.assertBatchInvariant(new Q5_1Matrix(randomQ5_1(arena, 150, 960, rnd), 150, 960), rnd);
        }
    }

    /** Blocks built element by element: {@code w = q·d + m}, bit 4 of element j is bit j of qh. */
    @Test
    void dequantizesHandBuiltBlocks() {
        SplittableRandom rnd = new SplittableRandom(63);
        int rows = 3, cols = 96;
        try (Arena arena = Arena.ofConfined()) {
            BlockWriter w = BlockWriter.zeroed(arena, (long) rows * cols / 32 * 24);
            float[][] expected = new float[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / 32; b++) {
                    long base = (r * (cols / 32L) + b) * 24;
                    float d = BlockWriter.pow2Scale(rnd) * (rnd.nextBoolean() ? 1 : -3);
                    float m = -rnd.nextInt(64) * BlockWriter.pow2Scale(rnd);
                    w.f16(base, d);
                    w.f16(base + 2, m);
                    for (int i = 0; i < 32; i++) {
                        int q = rnd.nextInt(32);
                        w.bits(base + 8 + i % 16, i < 16 ? 0 : 4, 4, q & 15);
                        w.bits(base + 4 + i / 8, i % 8, 1, q >> 4);
                        expected[r][b * 32 + i] = (float) (q * (double) d + m); // both steps exact here
                    }
                }
            }
            MatrixTestSupport.assertDequantizes(new Q5_1Matrix(w.segment(), rows, cols), expected);
        }
    }

    /** Both dequantizations equal the codec's ({@code dequantize_row_q5_1}) on blocks the codec wrote. */
    @Test
    void dequantizesAsTheCodec() {
        SplittableRandom rnd = new SplittableRandom(64);
        int rows = 7, cols = 160;
        float[] w = MatrixTestSupport.randomActivations(rows * cols, rnd);
        WeightCodec codec = WeightCodec.of(GgmlType.Q5_1);
        MemorySegment seg = MemorySegment.ofArray(codec.quantize(w));
        float[] expected = codec.dequantize(seg, rows * cols);
        Q5_1Matrix m = new Q5_1Matrix(seg, rows, cols);
        float[] a = new float[cols];
        float[] b = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, a, 0);
            m.dequantizeRowScalar(r, b, 0);
            assertThat(a).containsExactly(Arrays.copyOfRange(expected, r * cols, (r + 1) * cols));
            assertThat(b).containsExactly(a);
        }
    }

    /**
     * Q8_1 activations ({@code quantize_row_q8_1}, x86): quants and {@code d} as Q8_0, and per block
     * {@code s = fp16(amax/127 · Σq)} — the float {@code d} before its own f16 rounding.
     */
    @Test
    void q8_1ActivationsCarryTheBlockSum() {
        SplittableRandom rnd = new SplittableRandom(65);
        int cols = 96;
        float[] x = MatrixTestSupport.randomActivations(2 * cols, rnd);
        PreparedInput q81 = new PreparedInput();
        PreparedInput q80 = new PreparedInput();
        ActivationQuantizer.prepare(ActivationFormat.Q8_1, x, 2, cols, new byte[2], q81);
        ActivationQuantizer.prepare(ActivationFormat.Q8_0, x, 2, cols, new byte[2], q80);
        assertThat(Arrays.copyOf(q81.values, 2 * cols)).containsExactly(Arrays.copyOf(q80.values, 2 * cols));
        assertThat(Arrays.copyOf(q81.scales, 6)).containsExactly(Arrays.copyOf(q80.scales, 6));
        for (int blk = 0; blk < 6; blk++) {
            float amax = 0;
            int sum = 0;
            for (int i = 32 * blk; i < 32 * blk + 32; i++) {
                amax = Math.max(amax, Math.abs(x[i]));
                sum += (int) q81.values[i];
            }
            float s = Float.float16ToFloat(Float.floatToFloat16(amax / 127f * sum));
            assertThat(q81.sums[blk]).as("block %d", blk).isEqualTo(s);
        }
        assertThat(ActivationFormat.forWeights(GgmlType.Q5_1)).isEqualTo(ActivationFormat.Q8_1);
        assertThat(ActivationFormat.forWeights(GgmlType.Q5_0)).isEqualTo(ActivationFormat.Q8_0);
    }
}
