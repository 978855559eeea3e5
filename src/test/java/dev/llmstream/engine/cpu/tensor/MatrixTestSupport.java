package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Random inputs and the differential checks every weight format must pass. */
final class MatrixTestSupport {
    private MatrixTestSupport() {}

    static MemorySegment randomBytes(Arena arena, long n, SplittableRandom rnd) {
        MemorySegment seg = arena.allocate(n, 64);
        for (long i = 0; i < n; i++) {
            seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
        }
        return seg;
    }

    static float[] randomActivations(int n, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian());
        }
        return x;
    }

    /** {@code x} ({@code [nTokens × cols]}) prepared for {@code m} with the given per-token modes. */
    static PreparedInput prepare(WeightMatrix m, float[] x, int nTokens, byte[] modes) {
        PreparedInput p = new PreparedInput();
        ActivationQuantizer.prepare(m.activationFormat(), x, nTokens, m.cols(), modes, p);
        return p;
    }

    /** {@code x} prepared for {@code m} with every token {@link MatmulMode#SINGLE}. */
    static PreparedInput prepare(WeightMatrix m, float[] x, int nTokens) {
        return prepare(m, x, nTokens, new byte[nTokens]);
    }

    /** Random mode bits: single, batch, or batch in a 4-token tile. */
    static byte[] randomModes(int nTokens, SplittableRandom rnd) {
        byte[] modes = new byte[nTokens];
        for (int t = 0; t < nTokens; t++) {
            modes[t] = switch (rnd.nextInt(3)) {
                case 0 -> MatmulMode.SINGLE;
                case 1 -> MatmulMode.MULTI;
                default -> (byte) (MatmulMode.MULTI | MatmulMode.TILE4);
            };
        }
        return modes;
    }

    /**
     * The vector kernel equals its scalar twin bit for bit, for every token count (decode and batch paths),
     * random per-token modes and row ranges that do not start at a tile boundary; and each token's result is
     * the same whether computed alone or in a batch (with the same mode).
     */
    static void assertKernelMatchesScalarTwin(WeightMatrix m, SplittableRandom rnd) {
        int rows = m.rows();
        int cols = m.cols();
        for (int nTokens : new int[] {1, 2, 3, 4, 5, 6, 7, 9, 11, 17, 37}) {
            float[] x = randomActivations(nTokens * cols, rnd);
            byte[] modes = randomModes(nTokens, rnd);
            PreparedInput p = prepare(m, x, nTokens, modes);
            float[] vec = new float[nTokens * rows];
            float[] ref = new float[nTokens * rows];
            int split = rows > 2 ? 1 + rnd.nextInt(rows - 1) : rows;
            m.matmul(p, vec, rows, 0, split);
            m.matmul(p, vec, rows, split, rows);
            m.matmulScalar(p, ref, rows, 0, rows);
            for (int i = 0; i < vec.length; i++) {
                assertThat(vec[i]).as("%s %dx%d T=%d out[%d] mode %d", m.type(), rows, cols, nTokens, i,
                        modes[i / rows]).isEqualTo(ref[i]);
            }
            // batch invariance: token t computed alone (same mode) gives the same bits
            for (int t = 0; t < nTokens; t++) {
                float[] single = new float[rows];
                float[] xt = java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols);
                m.matmul(prepare(m, xt, 1, new byte[] {modes[t]}), single, rows, 0, rows);
                for (int r = 0; r < rows; r++) {
                    assertThat(single[r]).isEqualTo(vec[t * rows + r]);
                }
            }
        }
        float[] a = new float[cols];
        float[] b = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, a, 0);
            m.dequantizeRowScalar(r, b, 0);
            assertThat(a).as("dequantize row %d", r).containsExactly(b);
        }
    }

    /**
     * For formats whose every llama.cpp path has the same arithmetic (Q5_0, Q5_1): a batch with all tokens in
     * one {@link MatmulMode} gives the scalar twin's bits, and the same bits in every mode, for decode-sized
     * and strip-sized batches.
     */
    static void assertModesAgree(WeightMatrix m, SplittableRandom rnd) {
        int rows = m.rows();
        byte[] all = {MatmulMode.SINGLE, MatmulMode.MULTI, (byte) (MatmulMode.MULTI | MatmulMode.TILE4),
                (byte) (MatmulMode.MULTI | MatmulMode.TILE4 | MatmulMode.ATTN_TILED)};
        for (int nTokens : new int[] {1, 2, 3, 7, 12}) {
            float[] x = randomActivations(nTokens * m.cols(), rnd);
            float[] first = null;
            for (byte mode : all) {
                byte[] modes = new byte[nTokens];
                java.util.Arrays.fill(modes, mode);
                PreparedInput p = prepare(m, x, nTokens, modes);
                float[] vec = new float[nTokens * rows];
                float[] ref = new float[nTokens * rows];
                m.matmul(p, vec, rows, 0, rows);
                m.matmulScalar(p, ref, rows, 0, rows);
                assertThat(vec).as("%s T=%d mode %d vs scalar twin", m.type(), nTokens, mode).containsExactly(ref);
                if (first == null) {
                    first = vec;
                }
                assertThat(vec).as("%s T=%d mode %d vs mode 0", m.type(), nTokens, mode).containsExactly(first);
            }
        }
    }

    /**
     * Each output is the same whether its token is alone or in a batch of 32 (random modes) and whether its
     * row is computed alone or with all the others.
     */
    static void assertBatchInvariant(WeightMatrix m, SplittableRandom rnd) {
        int rows = m.rows();
        int cols = m.cols();
        int n = 32;
        float[] x = randomActivations(n * cols, rnd);
        byte[] modes = randomModes(n, rnd);
        float[] batch = new float[n * rows];
        m.matmul(prepare(m, x, n, modes), batch, rows, 0, rows);
        for (int t = 0; t < n; t += 1 + rnd.nextInt(5)) {
            PreparedInput one = prepare(m, java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols), 1,
                    new byte[] {modes[t]});
            float[] single = new float[rows];
            m.matmul(one, single, rows, 0, rows);
            assertThat(single).as("%s token %d alone", m.type(), t)
                    .containsExactly(java.util.Arrays.copyOfRange(batch, t * rows, (t + 1) * rows));
            int r = rnd.nextInt(rows);
            float[] row = new float[rows];
            m.matmul(one, row, rows, r, r + 1);
            assertThat(row[r]).as("%s token %d row %d alone", m.type(), t, r).isEqualTo(batch[t * rows + r]);
        }
    }

    /**
     * Both dequantizations of every row equal {@code expected} (values computed by the test from the
     * format definition), and a one-token matmul agrees with a double-precision dot product over them and
     * the activations as the format rounds them.
     */
    static void assertDequantizes(WeightMatrix m, float[][] expected) {
        float[] vec = new float[m.cols()];
        float[] ref = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.dequantizeRow(r, vec, 0);
            m.dequantizeRowScalar(r, ref, 0);
            assertThat(ref).as("%s scalar dequantize row %d", m.type(), r).containsExactly(expected[r]);
            assertThat(vec).as("%s vector dequantize row %d", m.type(), r).containsExactly(expected[r]);
        }
        PreparedInput p = prepare(m, randomActivations(m.cols(), new java.util.SplittableRandom(m.cols())), 1);
        float[] x = p.dequantized();
        float[] out = new float[m.rows()];
        m.matmul(p, out, m.rows(), 0, m.rows());
        for (int r = 0; r < m.rows(); r++) {
            double dot = 0;
            double norm = 0;
            for (int k = 0; k < m.cols(); k++) {
                dot += (double) expected[r][k] * x[k];
                norm += Math.abs((double) expected[r][k] * x[k]);
            }
            assertThat((double) out[r]).as("%s row %d dot", m.type(), r)
                    .isCloseTo(dot, org.assertj.core.data.Offset.offset(1e-5 * norm + 1e-30));
        }
    }
}
