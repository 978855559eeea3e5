package dev.llmstream.gguf.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our codecs against bytes ggml itself produced from the same floats (see
 * {@code ggml-vectors/README.md}): quantizing must give ggml's bytes exactly and dequantizing
 * ggml's bytes must give ggml's floats bit for bit, edge cases included (exact halves, F16
 * subnormal scales, outliers, all-zero blocks, large values).
 */
class GgmlVectorsTest {
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = GgmlVectorsTest.class.getResourceAsStream("ggml-vectors/" + name)) {
            assertThat(in).as("test resource ggml-vectors/%s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static float[] floats(byte[] b) {
        float[] f = new float[b.length / 4];
        MemorySegment.copy(MemorySegment.ofArray(b), LE, 0, f, 0, f.length);
        return f;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "F16", "BF16", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void matchesGgmlBitForBit(GgmlType type) throws IOException {
        float[] x = floats(resource("floats.bin"));
        assertThat(x).hasSize(2048);
        check(type, x, "");
    }

    /**
     * The K-quants again on {@code kfloats.bin}: 32 super-blocks of one kind each (all zero,
     * one-signed, constant, F16-subnormal and underflowing scales, outliers, sub-blocks spanning
     * seven decades, ties, sparse spikes, and synth-like Gaussian rows), which exercise the
     * branches of the search and of the 6-bit scale quantization one super-block at a time.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void kQuantsMatchGgmlOnSuperBlockEdgeCases(GgmlType type) throws IOException {
        float[] x = floats(resource("kfloats.bin"));
        assertThat(x).hasSize(256 * 32);
        check(type, x, ".k");
    }

    private static void check(GgmlType type, float[] x, String suffix) throws IOException {
        WeightCodec c = WeightCodec.of(type);
        byte[] ggml = resource(type + suffix + ".bin");
        byte[] ours = c.quantize(x);
        assertThat(ours).hasSameSizeAs(ggml);
        int blockBytes = type.typeSize();
        for (int b = 0; b < ggml.length / blockBytes; b++) { // per block, so a failure names the block
            assertThat(Arrays.copyOfRange(ours, b * blockBytes, (b + 1) * blockBytes))
                    .as("%s%s block %d", type, suffix, b)
                    .isEqualTo(Arrays.copyOfRange(ggml, b * blockBytes, (b + 1) * blockBytes));
        }

        float[] decoded = c.dequantize(MemorySegment.ofArray(ggml), x.length);
        float[] theirs = floats(resource(type + suffix + ".deq.bin"));
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(decoded[i])).as("%s%s weight %d", type, suffix, i)
                    .isEqualTo(Float.floatToRawIntBits(theirs[i]));
        }
    }
}
