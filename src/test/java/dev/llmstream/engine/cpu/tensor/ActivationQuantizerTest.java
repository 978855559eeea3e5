package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector Q8_0 activation quantizer against {@code quantize_row_q8_0} written value by value: the same bits
 * for the quants, the f16 scale and the returned unrounded scale, on random blocks and on the edges (zeros and
 * −0, halves that tie after scaling, subnormals, a block whose maximum is negative, ±∞, NaN); and the grouped
 * layout of the fast kernels.
 */
class ActivationQuantizerTest {
    @Test
    void vectorQ8_0BlocksMatchTheScalarFormBitForBit() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 5000; trial++) {
            float[] src = block(rnd, trial);
            float[] q1 = new float[32];
            float[] q2 = new float[32];
            float[] s1 = new float[1];
            float[] s2 = new float[1];
            float r1 = ActivationQuantizer.q8_0Block(src, 0, q1, s1, 0);
            float r2 = ActivationQuantizer.q8_0BlockScalar(src, 0, q2, s2, 0);
            for (int i = 0; i < 32; i++) {
                // floatToIntBits: any NaN is the same NaN (x86 makes ∞·0 a negative one, Math.rint a positive one)
                assertThat(Float.floatToIntBits(q1[i])).as("trial %d, quant %d of %s", trial, i, src[i])
                        .isEqualTo(Float.floatToIntBits(q2[i]));
            }
            assertThat(Float.floatToRawIntBits(s1[0])).as("trial %d scale", trial).isEqualTo(Float.floatToRawIntBits(s2[0]));
            assertThat(Float.floatToRawIntBits(r1)).as("trial %d d", trial).isEqualTo(Float.floatToRawIntBits(r2));
        }
    }

    /**
     * The grouped preparation of the fast Q8_0 kernels, by column ranges as the forward pass splits it: per token the
     * quants and scales of the one-token scalar form, and each token group's columns {@code q·d} with zero padding
     * lanes, for batch sizes around the group widths.
     */
    @Test
    void groupedColumnsMatchTheScalarFormForEveryGroupShape() {
        SplittableRandom rnd = new SplittableRandom(11);
        int cols = 160;
        int nb = cols / 32;
        for (int tokens : new int[] {1, 3, 8, 9, 16, 17, 30, 32, 40, 53}) {
            float[] src = new float[tokens * cols];
            for (int t = 0; t < tokens; t++) {
                for (int b = 0; b < nb; b++) {
                    System.arraycopy(block(rnd, rnd.nextInt(8)), 0, src, t * cols + 32 * b, 32);
                }
            }
            PreparedInput px = new PreparedInput();
            ActivationQuantizer.begin(ActivationFormat.Q8_0_GROUPED, tokens, cols, new byte[tokens], px);
            java.util.Arrays.fill(px.grouped, 7f); // stale values the padding lanes must not keep
            ActivationQuantizer.prepareColumns(src, 0, 64, px);
            ActivationQuantizer.prepareColumns(src, 64, cols, px);
            float[] q = new float[tokens * cols];
            float[] d = new float[1];
            for (int s = 0, w; s < tokens; s += w) {
                w = PreparedInput.groupWidth(tokens - s);
                for (int j = 0; j < w; j++) {
                    int t = s + j;
                    for (int b = 0; b < nb; b++) {
                        if (t < tokens) {
                            ActivationQuantizer.q8_0BlockScalar(src, t * cols + 32 * b, q, d, 0);
                            assertThat(Float.floatToRawIntBits(px.scales[t * nb + b]))
                                    .as("%d tokens: scale of token %d block %d", tokens, t, b)
                                    .isEqualTo(Float.floatToRawIntBits(d[0]));
                        }
                        for (int e = 0; e < 32; e++) {
                            int k = 32 * b + e;
                            float want = t < tokens ? q[t * cols + k] * d[0] : 0f;
                            if (t < tokens) {
                                assertThat(Float.floatToIntBits(px.value(t, k))).as("%d tokens: quant %d of token %d", tokens, k, t)
                                        .isEqualTo(Float.floatToIntBits(q[t * cols + k]));
                            }
                            assertThat(Float.floatToIntBits(px.grouped[s * cols + k * w + j]))
                                    .as("%d tokens: grouped value %d of token %d", tokens, k, t)
                                    .isEqualTo(Float.floatToIntBits(want));
                        }
                    }
                }
            }
        }
    }

    private static float[] block(SplittableRandom rnd, int trial) {
        float[] a = new float[32];
        switch (trial % 8) {
            case 0 -> { } // all +0
            case 1 -> java.util.Arrays.fill(a, -0f);
            case 2 -> { // multiples of amax/254: x·(127/amax) lands on halves
                float amax = 254f;
                for (int i = 0; i < 32; i++) {
                    a[i] = (rnd.nextInt(509) - 254) * 1f;
                }
                a[0] = amax;
            }
            case 3 -> {
                for (int i = 0; i < 32; i++) {
                    a[i] = (float) rnd.nextDouble(-1, 1) * 0x1p-140f; // subnormal floats
                }
            }
            case 4 -> {
                for (int i = 0; i < 32; i++) {
                    a[i] = (float) rnd.nextDouble(-3, 1);
                }
                a[7] = -9f; // the largest magnitude negative
            }
            case 5 -> {
                for (int i = 0; i < 32; i++) {
                    a[i] = (float) rnd.nextGaussian();
                }
                a[rnd.nextInt(32)] = rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            }
            case 6 -> {
                for (int i = 0; i < 32; i++) {
                    a[i] = (float) rnd.nextGaussian();
                }
                a[rnd.nextInt(32)] = Float.NaN;
            }
            default -> {
                double scale = Math.pow(10, rnd.nextInt(-6, 6));
                for (int i = 0; i < 32; i++) {
                    a[i] = (float) (rnd.nextGaussian() * scale);
                }
            }
        }
        return a;
    }
}
