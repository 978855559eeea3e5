package dev.llmstream.gguf.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "F16", "BF16"})
    void matchesGgmlBitForBit(GgmlType type) throws IOException {
        float[] x = floats(resource("floats.bin"));
        assertThat(x).hasSize(2048);
        WeightCodec c = WeightCodec.of(type);
        byte[] ggml = resource(type + ".bin");
        assertThat(c.quantize(x)).isEqualTo(ggml);

        float[] ours = c.dequantize(MemorySegment.ofArray(ggml), x.length);
        float[] theirs = floats(resource(type + ".deq.bin"));
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(ours[i])).as("%s weight %d", type, i)
                    .isEqualTo(Float.floatToRawIntBits(theirs[i]));
        }
    }
}
