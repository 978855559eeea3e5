package dev.llmstream.gguf.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightCodecTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static float[] gaussian(int n, long seed, double std) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * std);
        }
        return x;
    }

    @Test
    void q8_0ByteLayoutOfAHandMadeBlock() {
        // x_j = (j - 16) * 0.37: amax 5.92, d = amax/127 stored as F16 0x29F7; expected codes from an
        // independent numpy float32 emulation of quantize_row_q8_0_ref.
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = (j - 16f) * 0.37f;
        }
        byte[] expected = bytes(0xF7, 0x29, 0x81, 0x89, 0x91, 0x99, 0xA1, 0xA9, 0xB1, 0xB9, 0xC1, 0xC8, 0xD0, 0xD8,
                0xE0, 0xE8, 0xF0, 0xF8, 0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x3F, 0x47, 0x4F, 0x57, 0x5F,
                0x67, 0x6F, 0x77);
        assertThat(WeightCodec.of(GgmlType.Q8_0).quantize(x)).isEqualTo(expected);
    }

    @Test
    void q8_0RoundsHalvesAwayFromZeroLikeRoundf() {
        float[] x = new float[32];
        float[] head = {127f, -2.5f, 2.5f, -0.5f, 0.5f, 1.5f, -1.5f, -126.5f};
        System.arraycopy(head, 0, x, 0, head.length);
        byte[] q = WeightCodec.of(GgmlType.Q8_0).quantize(x);
        assertThat(q[0]).isEqualTo((byte) 0x00); // d = 1.0 = F16 0x3C00
        assertThat(q[1]).isEqualTo((byte) 0x3C);
        assertThat(java.util.Arrays.copyOfRange(q, 2, 10)).isEqualTo(bytes(127, -3, 3, -1, 1, 2, -2, -127));
    }

    @Test
    void q4_0ByteLayoutNibblePackingAndSignedMaxRule() {
        float[] x = new float[32];
        for (int j = 0; j < 16; j++) {
            x[j] = j - 8f;        // codes 0..15 (x[0] = -8 is the signed max: d = -8 / -8 = 1)
            x[16 + j] = 7f - j;   // codes 15..0
        }
        byte[] q = WeightCodec.of(GgmlType.Q4_0).quantize(x);
        assertThat(q).hasSize(18);
        assertThat(q[0]).isEqualTo((byte) 0x00);
        assertThat(q[1]).isEqualTo((byte) 0x3C);
        for (int j = 0; j < 16; j++) {
            assertThat(q[2 + j] & 0xFF).as("byte %d: low = weight %d, high = weight %d", j, j, j + 16)
                    .isEqualTo(j | (15 - j) << 4);
        }
        assertThat(WeightCodec.of(GgmlType.Q4_0).dequantize(MemorySegment.ofArray(q), 32)).containsExactly(x);
    }

    @Test
    void q4_0PositiveMaxGetsNegativeScaleAndTheOtherExtremeClipsAt15() {
        float[] x = new float[32];
        x[0] = 8f;   // signed max: d = 8 / -8 = -1 (F16 0xBC00), code 0
        x[1] = -8f;  // (int)(8 + 8.5) = 16 -> clipped to 15 -> dequantizes to (15 - 8) * -1 = -7
        x[2] = 0.2f; // (int)(-0.2 + 8.5) = 8 -> 0
        byte[] q = WeightCodec.of(GgmlType.Q4_0).quantize(x);
        assertThat(q[0] & 0xFF | (q[1] & 0xFF) << 8).isEqualTo(0xBC00);
        float[] y = WeightCodec.of(GgmlType.Q4_0).dequantize(MemorySegment.ofArray(q), 32);
        assertThat(y[0]).isEqualTo(8f);
        assertThat(y[1]).isEqualTo(-7f);
        assertThat(y[2]).isEqualTo(0f);
    }

    @Test
    void allZeroBlocksStayZero() {
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            WeightCodec c = WeightCodec.of(t);
            float[] y = c.dequantize(MemorySegment.ofArray(c.quantize(new float[64])), 64);
            for (float v : y) {
                assertThat(v == 0f).as("%s zero block dequantizes to +-0", t).isTrue(); // Q4_0 gives -0.0: d = 0 / -8
            }
        }
    }

    @Test
    void roundTripErrorBoundsPerFormat() {
        float[] x = gaussian(32 * 512, 11, 0.05);
        // Q8_0: |error| <= d/2 per weight, d = amax/127 of its block (plus F16 rounding of d).
        assertBlockBound(GgmlType.Q8_0, x, 0.5 / 127 + 1e-3);
        // Q4_0: |error| <= |d|/2 inside the range; the clipped end is off by up to |d| (8 -> 7).
        assertBlockBound(GgmlType.Q4_0, x, 1.0 / 8 + 1e-3);
        // F16: relative error <= 2^-11 for normal numbers; BF16: <= 2^-8.
        assertRelative(GgmlType.F16, x, 0x1p-11);
        assertRelative(GgmlType.BF16, x, 0x1p-8);
        float[] y = WeightCodec.of(GgmlType.F32).dequantize(
                MemorySegment.ofArray(WeightCodec.of(GgmlType.F32).quantize(x)), x.length);
        assertThat(y).containsExactly(x);
        // and the RMS error ordering matches the bit budgets
        assertThat(rmsError(GgmlType.Q8_0, x)).isLessThan(rmsError(GgmlType.Q4_0, x) / 8);
        assertThat(rmsError(GgmlType.F16, x)).isLessThan(rmsError(GgmlType.Q8_0, x));
    }

    private static void assertBlockBound(GgmlType t, float[] x, double fractionOfAmax) {
        WeightCodec c = WeightCodec.of(t);
        float[] y = c.dequantize(MemorySegment.ofArray(c.quantize(x)), x.length);
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            }
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                assertThat((double) Math.abs(y[i] - x[i])).as("%s weight %d", t, i)
                        .isLessThanOrEqualTo(fractionOfAmax * amax);
            }
        }
    }

    private static void assertRelative(GgmlType t, float[] x, double rel) {
        WeightCodec c = WeightCodec.of(t);
        float[] y = c.dequantize(MemorySegment.ofArray(c.quantize(x)), x.length);
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) > 1e-4) { // F16 normal range
                assertThat((double) Math.abs(y[i] - x[i])).as("%s weight %d", t, i).isLessThanOrEqualTo(rel * Math.abs(x[i]));
            }
        }
    }

    private static double rmsError(GgmlType t, float[] x) {
        WeightCodec c = WeightCodec.of(t);
        float[] y = c.dequantize(MemorySegment.ofArray(c.quantize(x)), x.length);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) (y[i] - x[i]) * (y[i] - x[i]);
        }
        return Math.sqrt(s / x.length);
    }

    @Test
    void f16RoundsToNearestEven() {
        // 1 + 2^-11 is exactly between 1 and the next half (1 + 2^-10): ties go to the even mantissa (1.0)
        assertThat(F16Codec.toHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        // 1 + 3 * 2^-11 is between 1 + 2^-10 (odd) and 1 + 2^-9 (even): goes up
        assertThat(F16Codec.toHalf(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        assertThat(F16Codec.toHalf(65520f)).isEqualTo((short) 0x7C00); // overflow rounds to +inf
        assertThat(F16Codec.toHalf(0x1p-24f)).isEqualTo((short) 0x0001); // smallest subnormal
        assertThat(F16Codec.fromHalf((short) 0xC000)).isEqualTo(-2f);
    }

    @Test
    void bf16FollowsGgmlRoundingAndQuietsNaNs() {
        assertThat(Bf16Codec.toBf16(1f)).isEqualTo((short) 0x3F80);
        // 0x3F808000 is a tie between 0x3F80 (even) and 0x3F81: stays 0x3F80; 0x3F818000 goes to 0x3F82
        assertThat(Bf16Codec.toBf16(Float.intBitsToFloat(0x3F80_8000))).isEqualTo((short) 0x3F80);
        assertThat(Bf16Codec.toBf16(Float.intBitsToFloat(0x3F81_8000))).isEqualTo((short) 0x3F82);
        assertThat(Bf16Codec.toBf16(Float.intBitsToFloat(0x3F80_8001))).isEqualTo((short) 0x3F81);
        // a signalling NaN keeps its top bits and gets the quiet bit (64) forced on
        assertThat(Bf16Codec.toBf16(Float.intBitsToFloat(0x7F80_0001 | 0x0001_0000))).isEqualTo((short) 0x7FC1);
        assertThat(Bf16Codec.toBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80); // rounds up to +inf
        assertThat(Bf16Codec.fromBf16((short) 0xC040)).isEqualTo(-3f);
    }

    @Test
    void offsetsAddressTheRightBlocks() {
        float[] x = gaussian(96, 3, 1);
        WeightCodec c = WeightCodec.of(GgmlType.Q8_0);
        byte[] whole = c.quantize(x);
        byte[] dst = new byte[34 * 4];
        c.quantize(x, 32, 64, MemorySegment.ofArray(dst), 34); // blocks 1..2 of x into blocks 1..2 of dst
        assertThat(java.util.Arrays.copyOfRange(dst, 34, 102)).isEqualTo(java.util.Arrays.copyOfRange(whole, 34, 102));
        float[] out = new float[100];
        c.dequantize(MemorySegment.ofArray(whole), 68, out, 4, 32);
        float[] third = c.dequantize(MemorySegment.ofArray(java.util.Arrays.copyOfRange(whole, 68, 102)), 32);
        assertThat(java.util.Arrays.copyOfRange(out, 4, 36)).containsExactly(third);
    }

    @Test
    void invalidInputIsAClearException() {
        WeightCodec q8 = WeightCodec.of(GgmlType.Q8_0);
        assertThatThrownBy(() -> q8.quantize(new float[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a whole number of Q8_0 blocks");
        float[] nan = new float[32];
        nan[5] = Float.NaN;
        assertThatThrownBy(() -> q8.quantize(nan)).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> WeightCodec.of(GgmlType.Q4_0).quantize(nan)).hasMessageContaining("NaN");
        float[] inf = new float[32];
        inf[0] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> WeightCodec.of(GgmlType.Q4_0).quantize(inf)).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> WeightCodec.of(GgmlType.Q3_K)).hasMessageContaining("no codec for Q3_K");
        assertThatThrownBy(() -> q8.quantize(new float[32], 16, 32, MemorySegment.ofArray(new byte[34]), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float range [16, 16 + 32)");
        assertThatThrownBy(() -> q8.quantize(new float[64], 0, 64, MemorySegment.ofArray(new byte[67]), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside a segment of 67 bytes");
        assertThatThrownBy(() -> q8.dequantize(MemorySegment.ofArray(new byte[34]), 1, new float[32], 0, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("byte range [1, 1 + 34)");
    }
}
