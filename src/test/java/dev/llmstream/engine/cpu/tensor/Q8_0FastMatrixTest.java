package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Q8_0FastMatrixTest {

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(17);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 32}, {3, 96}, {7, 160}, {13, 544}, {9, 32 * 31}, {8, 64}, {24, 96}, {40, 32 * 9}, {136, 64}, {264, 96}}) {
                Q8_0FastMatrix m = new Q8_0FastMatrix(Q8_0MatrixTest.randomQ8_0(arena, shape[0], shape[1], rnd), shape[0], shape[1]);
                MatrixTestSupport.assertKernelMatchesScalarTwin(m, rnd);
            }
        }
    }

    /**
     * The twin's arithmetic, written out for one row: {@code fma(q·d_w, q_x·d_x, acc)} from +0 in column order,
     * with the activations quantized as for the exact Q8_0 kernels; and within float rounding of the exact
     * kernels' (llama.cpp's) result.
     */
    @Test
    void sumsOneMultiplyAddPerWeightInColumnOrder() {
        SplittableRandom rnd = new SplittableRandom(5);
        int cols = 1024;
        try (Arena arena = Arena.ofConfined()) {
            var seg = Q8_0MatrixTest.randomQ8_0(arena, 1, cols, rnd);
            Q8_0FastMatrix fast = new Q8_0FastMatrix(seg, 1, cols);
            Q8_0Matrix exact = new Q8_0Matrix(seg, 1, cols);
            float[] x = MatrixTestSupport.randomActivations(cols, rnd);
            PreparedInput px = MatrixTestSupport.prepare(fast, x, 1);
            assertThat(px.format()).isEqualTo(ActivationFormat.Q8_0_GROUPED);
            float[] w = new float[cols];
            exact.dequantizeRowScalar(0, w, 0);
            float acc = 0f;
            double norm = 0;
            for (int k = 0; k < cols; k++) {
                float xk = px.value(0, k) * px.scales[k / 32];
                acc = Math.fma(w[k], xk, acc);
                norm += Math.abs((double) w[k] * xk);
            }
            float[] out = new float[1];
            fast.matmul(px, out, 1, 0, 1);
            assertThat(out[0]).isEqualTo(acc);
            float[] ref = new float[1];
            exact.matmul(MatrixTestSupport.prepare(exact, x, 1), ref, 1, 0, 1);
            assertThat((double) Math.abs(out[0] - ref[0])).isLessThan(1e-6 * norm);
        }
    }
}
