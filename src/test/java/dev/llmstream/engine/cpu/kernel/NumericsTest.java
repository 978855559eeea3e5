package dev.llmstream.engine.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.cpu.tensor.Lanes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scalar numerics that must equal the reference implementation's bit for bit. */
class NumericsTest {

    @Test
    void expfEqualsTheCLibraryBitForBit() throws IOException {
        byte[] bytes;
        try (InputStream in = NumericsTest.class.getResourceAsStream("expf-vectors.bin")) {
            bytes = in.readAllBytes();
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        while (bb.remaining() >= 8) {
            float x = bb.getFloat();
            float expected = bb.getFloat();
            assertThat(Float.floatToRawIntBits(LibmExpf.expf(x))).as("expf(%s)", x)
                    .isEqualTo(Float.floatToRawIntBits(expected));
            n++;
        }
        assertThat(n).isEqualTo(20000);
        assertThat(LibmExpf.expf(0f)).isEqualTo(1f);
        assertThat(LibmExpf.expf(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(LibmExpf.expf(200f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(LibmExpf.expf(Float.NaN)).isNaN();
    }

    @Test
    void eightLaneExpfOfDifferencesEqualsTheScalarOneBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[8];
        float[] out = new float[8];
        int checked = 0;
        for (int round = 0; round < 200_000; round++) {
            float m = switch (round % 3) {
                case 0 -> (float) (r.nextGaussian() * 4);
                case 1 -> (float) (r.nextGaussian() * 60);
                default -> Float.intBitsToFloat(r.nextInt() & 0xbf7fffff) % 1e4f; // no NaN or infinity
            };
            for (int j = 0; j < 8; j++) {
                // differences across expf's whole non-positive range, its underflow edge included
                float d = switch (r.nextInt(4)) {
                    case 0 -> (float) -Math.abs(r.nextGaussian() * 3);
                    case 1 -> (float) -(r.nextDouble() * 110);
                    case 2 -> -103.97208f - (float) (r.nextDouble() - 0.5) * 1e-4f;
                    default -> -Float.intBitsToFloat(r.nextInt() & 0x3f7fffff) % 1e3f;
                };
                x[j] = m + d > m ? m : m + d;
            }
            if (round == 0) {
                x[0] = m;
                x[1] = Float.NEGATIVE_INFINITY;
            }
            assertThat(LibmExpf.atMost8(x, 0, m)).isTrue();
            LibmExpf.expDiff8(x, 0, m, out, 0);
            for (int j = 0; j < 8; j++) {
                assertThat(Float.floatToRawIntBits(out[j])).as("expf(%s - %s)", x[j], m)
                        .isEqualTo(Float.floatToRawIntBits(LibmExpf.expf(x[j] - m)));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(1_600_000);
        // -inf minus -inf is NaN, as the scalar path makes it; a NaN score is not "at most m" and goes scalar
        float[] inf = new float[8];
        java.util.Arrays.fill(inf, Float.NEGATIVE_INFINITY);
        LibmExpf.expDiff8(inf, 0, Float.NEGATIVE_INFINITY, out, 0);
        assertThat(out[3]).isNaN();
        inf[5] = Float.NaN;
        assertThat(LibmExpf.atMost8(inf, 0, 0f)).isFalse();
    }

    @Test
    void vectorF16RoundingEqualsTheJdkConversion() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[4096 * Lanes.L];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 4) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> (float) (r.nextGaussian() * 1e-5); // f16 subnormal range
                case 2 -> Float.intBitsToFloat(r.nextInt()) % 60000f; // arbitrary bit patterns in range
                default -> (float) (r.nextGaussian() * 1000);
            };
        }
        x[0] = 0f;
        x[1] = -0f;
        x[2] = 0x1p-14f;
        x[3] = 0x1p-25f;
        x[5] = 65504f;
        // ties: halfway between neighbouring halves go to the even one (normal and subnormal grids)
        x[6] = 1f + 0x1p-11f;
        x[7] = 1f + 3 * 0x1p-11f;
        x[8] = -(1024f + 0.5f);
        x[9] = 0x1p-25f * 3;
        x[10] = -0x1p-25f * 5;
        x[11] = 0x1p-14f - 0x1p-25f;
        x[12] = 2047.9f; // rounds up into the next binade
        float[] all = x.clone();
        F16.roundInPlace(all, 0, all.length);
        for (int i = 0; i < x.length; i += Lanes.L) {
            float[] got = java.util.Arrays.copyOfRange(all, i, i + Lanes.L);
            for (int j = 0; j < Lanes.L; j++) {
                float want = Float.float16ToFloat(Float.floatToFloat16(x[i + j]));
                if (Float.isNaN(x[i + j])) {
                    continue;
                }
                assertThat(got[j]).as("f16(%s)", x[i + j]).isEqualTo(want);
            }
        }
    }

    @Test
    void vectorF16MultiplyAddsEqualScalarRounding() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 64 * Lanes.L + 5;
        float[] acc = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            acc[i] = F16.round((float) (r.nextGaussian() * (i % 3 == 0 ? 1e-5 : 2)));
            v[i] = F16.round((float) r.nextGaussian());
        }
        for (float w : new float[] {1f, 0.37f, 3e-5f, 1e-7f, 12.5f}) {
            float[] want = acc.clone();
            for (int i = 0; i < n; i++) {
                want[i] = F16.round(Math.fma(v[i], w, acc[i]));
            }
            float[] got = acc.clone();
            Attention.madF16(got, 0, v, 0, n, w);
            assertSameHalves(got, want, "mad w=" + w);
            for (int i = 0; i < n; i++) {
                want[i] = F16.round(acc[i] * w);
            }
            got = acc.clone();
            Attention.scaleF16(got, 0, n, w);
            assertSameHalves(got, want, "scale w=" + w);
        }
    }

    /**
     * Bit for bit, except that a value rounding to zero may come out as +0 where the conversion gives −0 (the
     * vector rounding adds and subtracts a positive constant). A zero's sign cannot change any nonzero sum,
     * and the accumulators only ever feed sums.
     */
    private static void assertSameHalves(float[] got, float[] want, String what) {
        for (int i = 0; i < got.length; i++) {
            if (got[i] == 0f && want[i] == 0f) {
                continue;
            }
            assertThat(Float.floatToRawIntBits(got[i])).as("%s [%d]: %s vs %s", what, i, got[i], want[i])
                    .isEqualTo(Float.floatToRawIntBits(want[i]));
        }
    }

    @Test
    void sincosfEqualsTheCLibraryBitForBit() throws IOException {
        ByteBuffer bb = resource("sincosf-vectors.bin");
        int n = 0;
        while (bb.remaining() >= 12) {
            float x = bb.getFloat();
            float sin = bb.getFloat();
            float cos = bb.getFloat();
            assertThat(Float.floatToRawIntBits(LibmSincosf.sin(x))).as("sinf(%s)", x).isEqualTo(Float.floatToRawIntBits(sin));
            assertThat(Float.floatToRawIntBits(LibmSincosf.cos(x))).as("cosf(%s)", x).isEqualTo(Float.floatToRawIntBits(cos));
            n++;
        }
        assertThat(n).isEqualTo(30000);
        assertThat(LibmSincosf.sin(0f)).isEqualTo(0f);
        assertThat(LibmSincosf.cos(0f)).isEqualTo(1f);
        assertThat(LibmSincosf.sin(Float.NaN)).isNaN();
    }

    /** Rows of 40 values: two 16-wide chunks through ggml's vector SiLU, 8 through the scalar one. */
    @Test
    void swigluEqualsGgmlBitForBit() throws IOException {
        ByteBuffer bb = resource("swiglu-vectors.bin");
        int rows = 0;
        float[] x = new float[40];
        float[] g = new float[40];
        float[] y = new float[40];
        while (bb.remaining() >= 3 * 40 * 4) {
            bb.asFloatBuffer().get(x);
            bb.position(bb.position() + 160);
            bb.asFloatBuffer().get(g);
            bb.position(bb.position() + 160);
            bb.asFloatBuffer().get(y);
            bb.position(bb.position() + 160);
            float[] vec = x.clone();
            float[] scalar = x.clone();
            Activations.swiglu(vec, g, 0, 40);
            Activations.swigluScalar(scalar, g, 0, 40);
            for (int i = 0; i < 40; i++) {
                assertThat(Float.floatToRawIntBits(vec[i])).as("row %d silu(%s)·%s", rows, x[i], g[i])
                        .isEqualTo(Float.floatToRawIntBits(y[i]));
                assertThat(Float.floatToRawIntBits(scalar[i])).as("scalar row %d silu(%s)·%s", rows, x[i], g[i])
                        .isEqualTo(Float.floatToRawIntBits(y[i]));
            }
            rows++;
        }
        assertThat(rows).isEqualTo(1000);
    }

    private static ByteBuffer resource(String name) throws IOException {
        try (InputStream in = NumericsTest.class.getResourceAsStream(name)) {
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
