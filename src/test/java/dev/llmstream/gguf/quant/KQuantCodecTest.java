package dev.llmstream.gguf.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Q4_K, Q5_K, Q6_K and the Q5_0 / Q5_1 fallbacks beyond the ggml vectors: a hand-checked byte
 * layout, round-trip error bounds per format, degenerate blocks, offsets and bad input.
 */
class KQuantCodecTest {

    private static float[] gaussian(int n, long seed, double std) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * std);
        }
        return x;
    }

    private static float[] roundTrip(GgmlType t, float[] x) {
        WeightCodec c = WeightCodec.of(t);
        return c.dequantize(MemorySegment.ofArray(c.quantize(x)), x.length);
    }

    /**
     * Every sub-block holds the integers 0..15 twice: the search finds scale 1 and min 0 with zero
     * error, so max_scale = 1, d = F16(1/63), every 6-bit scale is 63 and every min 0, and each
     * code equals its value. That pins the packing: scale bytes 0-3 = 63 | (63 >> 4) << 6 = 0xFF
     * (sub-blocks 0-3, plus the top bits of 4-7), 4-7 = 0 (mins), 8-11 = 0x0F (low bits of
     * scales 4-7, mins 0); qs byte l of 64-weight group g = weight 64g+l | weight 64g+32+l << 4.
     */
    @Test
    void q4_KByteLayoutOfARampSuperBlock() {
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) {
            x[i] = i % 16;
        }
        byte[] q = WeightCodec.of(GgmlType.Q4_K).quantize(x);
        assertThat(q).hasSize(144);
        short d = F16Codec.toHalf(1f / 63);
        assertThat((short) ((q[0] & 0xFF) | q[1] << 8)).isEqualTo(d);
        assertThat(q[2]).isZero(); // dmin = +0
        assertThat(q[3]).isZero();
        byte[] scales = Arrays.copyOfRange(q, 4, 16);
        assertThat(scales).containsExactly(-1, -1, -1, -1, 0, 0, 0, 0, 15, 15, 15, 15);
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < 32; l++) {
                int lo = (64 * g + l) % 16;
                int hi = (64 * g + 32 + l) % 16;
                assertThat(q[16 + 32 * g + l] & 0xFF).as("qs byte %d", 32 * g + l).isEqualTo(lo | hi << 4);
            }
        }
        float step = 63 * F16Codec.fromHalf(d); // the decoded unit, 1 up to F16 rounding of d
        float[] y = WeightCodec.of(GgmlType.Q4_K).dequantize(MemorySegment.ofArray(q), 256);
        for (int i = 0; i < 256; i++) {
            assertThat(y[i]).isEqualTo((i % 16) * step);
        }
    }

    /** The Q5_K twin: integers 0..31, so the fifth bit of weight 64g+l is bit 2g of qh[l]. */
    @Test
    void q5_KByteLayoutOfARampSuperBlock() {
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) {
            x[i] = i % 32;
        }
        byte[] q = WeightCodec.of(GgmlType.Q5_K).quantize(x);
        assertThat(q).hasSize(176);
        assertThat(Arrays.copyOfRange(q, 4, 16)).containsExactly(-1, -1, -1, -1, 0, 0, 0, 0, 15, 15, 15, 15);
        for (int l = 0; l < 32; l++) {
            int high = l >= 16 ? 1 : 0; // weights 64g+l and 64g+32+l both have value l
            int expected = 0;
            for (int g = 0; g < 4; g++) {
                expected |= high << (2 * g) | high << (2 * g + 1);
            }
            assertThat(q[16 + l] & 0xFF).as("qh byte %d", l).isEqualTo(expected);
            for (int g = 0; g < 4; g++) {
                assertThat(q[48 + 32 * g + l] & 0xFF).isEqualTo((l & 15) | (l & 15) << 4);
            }
        }
        float[] y = WeightCodec.of(GgmlType.Q5_K).dequantize(MemorySegment.ofArray(q), 256);
        float step = 63 * F16Codec.fromHalf(F16Codec.toHalf(1f / 63));
        for (int i = 0; i < 256; i++) {
            assertThat(y[i]).isEqualTo((i % 32) * step);
        }
    }

    /**
     * Worst error per weight relative to the largest magnitude of its sub-block, and the RMS error,
     * on N(0, 0.05^2) weights. Q5_0: half a step of d = amax/16, a full step at the clipped end;
     * Q5_1: half of d = (max - min)/31 plus F16 rounding of d and min. The K formats have no
     * closed-form bound (the search may trade a clipped extreme for a finer step); their limits
     * are measured values with margin: Q4_K 0.098, Q5_K 0.065, Q6_K 0.025 (sub-blocks of 16), and
     * RMS errors of 7.1%, 3.6% and 1.8% of the signal.
     */
    @Test
    void roundTripErrorBoundsPerFormat() {
        float[] x = gaussian(256 * 256, 11, 0.05);
        assertSubBlockBound(GgmlType.Q5_0, x, 32, 1.0 / 16 + 1e-3);
        assertSubBlockBound(GgmlType.Q5_1, x, 32, 1.0 / 31 + 2e-3);
        assertSubBlockBound(GgmlType.Q4_K, x, 32, 0.12);
        assertSubBlockBound(GgmlType.Q5_K, x, 32, 0.08);
        assertSubBlockBound(GgmlType.Q6_K, x, 16, 0.03);
        double q40 = relRms(GgmlType.Q4_0, x);
        double q4k = relRms(GgmlType.Q4_K, x);
        double q50 = relRms(GgmlType.Q5_0, x);
        double q5k = relRms(GgmlType.Q5_K, x);
        double q6k = relRms(GgmlType.Q6_K, x);
        double q80 = relRms(GgmlType.Q8_0, x);
        assertThat(q4k).isLessThan(0.08).isLessThan(q40);      // 4.5 bits beat Q4_0's 4.5 bits
        assertThat(q5k).isLessThan(0.04).isLessThan(q50).isLessThan(q4k / 1.8);
        assertThat(q6k).isLessThan(0.02).isLessThan(q5k / 1.8);
        assertThat(q80).isLessThan(q6k);
    }

    private static void assertSubBlockBound(GgmlType t, float[] x, int sub, double fractionOfAmax) {
        float[] y = roundTrip(t, x);
        for (int b = 0; b < x.length / sub; b++) {
            float amax = 0;
            for (int j = 0; j < sub; j++) {
                amax = Math.max(amax, Math.abs(x[b * sub + j]));
            }
            for (int j = 0; j < sub; j++) {
                int i = b * sub + j;
                assertThat((double) Math.abs(y[i] - x[i])).as("%s weight %d", t, i)
                        .isLessThanOrEqualTo(fractionOfAmax * amax);
            }
        }
    }

    private static double relRms(GgmlType t, float[] x) {
        float[] y = roundTrip(t, x);
        double e = 0;
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            e += (double) (y[i] - x[i]) * (y[i] - x[i]);
            s += (double) x[i] * x[i];
        }
        return Math.sqrt(e / s);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void zeroAndConstantBlocks(GgmlType t) {
        int n = 512;
        for (float v : new float[] {0f, 0.75f, -0.75f}) {
            float[] x = new float[n];
            Arrays.fill(x, v);
            float[] y = roundTrip(t, x);
            for (int i = 0; i < n; i++) {
                assertThat((double) Math.abs(y[i] - v)).as("%s constant %s, weight %d", t, v, i)
                        .isLessThanOrEqualTo(Math.abs(v) * 0x1p-8);
            }
        }
        if (t == GgmlType.Q6_K) { // below GROUP_MAX_EPS everywhere: ggml writes an all-zero block
            assertThat(WeightCodec.of(t).quantize(new float[256])).containsOnly((byte) 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void offsetsAddressTheRightBlocks(GgmlType t) {
        WeightCodec c = WeightCodec.of(t);
        int block = t.blockSize();
        int bytes = t.typeSize();
        float[] x = gaussian(4 * block, 3, 1);
        byte[] whole = c.quantize(x);
        byte[] dst = new byte[5 * bytes];
        c.quantize(x, block, 2 * block, MemorySegment.ofArray(dst), 2L * bytes); // blocks 1..2 into 2..3
        assertThat(Arrays.copyOfRange(dst, 2 * bytes, 4 * bytes)).isEqualTo(Arrays.copyOfRange(whole, bytes, 3 * bytes));
        assertThat(Arrays.copyOfRange(dst, 0, 2 * bytes)).containsOnly((byte) 0);
        float[] out = new float[5 * block];
        c.dequantize(MemorySegment.ofArray(whole), 2L * bytes, out, 3, block);
        float[] third = c.dequantize(MemorySegment.ofArray(Arrays.copyOfRange(whole, 2 * bytes, 3 * bytes)), block);
        assertThat(Arrays.copyOfRange(out, 3, 3 + block)).containsExactly(third);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void invalidInputIsAClearException(GgmlType t) {
        WeightCodec c = WeightCodec.of(t);
        int block = t.blockSize();
        assertThatThrownBy(() -> c.quantize(new float[block + 32 - 1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a whole number of " + t + " blocks of " + block);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] x = gaussian(2 * block, 5, 1);
            x[block + 7] = bad;
            assertThatThrownBy(() -> c.quantize(x)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("non-finite weight").hasMessageContaining("index " + (block + 7));
        }
    }
}
