package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector Q8_0 activation quantizer against {@code quantize_row_q8_0} written value by value: the same bits
 * for the quants, the f16 scale and the returned unrounded scale, on random blocks and on the edges (zeros and
 * −0, halves that tie after scaling, subnormals, a block whose maximum is negative, ±∞, NaN).
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
