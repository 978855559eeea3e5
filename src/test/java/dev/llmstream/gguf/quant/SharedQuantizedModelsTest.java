package dev.llmstream.gguf.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufTensorInfo;
import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Our codecs against files llama.cpp's {@code llama-quantize} wrote. The two phi3vocab-20M files
 * were quantized from one F32 master, so dequantizing a tensor from each must give the same
 * weights at two precisions; and since our quantizers follow ggml's reference rules, re-quantizing
 * a dequantized block must reproduce llama.cpp's bytes exactly (a dequantized block is a fixed
 * point of those rules).
 */
class SharedQuantizedModelsTest {
    private static final String Q8 = "random/rand-llama-phi3vocab-20M-Q8_0.gguf";
    private static final String Q4 = "random/rand-llama-phi3vocab-20M-Q4_0.gguf";

    private static float[] dequantize(GgufFile f, GgufTensorInfo t) {
        return WeightCodec.of(t.type()).dequantize(f.tensorData(t), Math.toIntExact(t.nElements()));
    }

    private static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return Math.sqrt(s / x.length);
    }

    private static double correlation(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void q4_0AndQ8_0OfOneMasterHoldTheSameWeights() throws IOException {
        int compared = 0;
        try (GgufFile q8 = GgufFile.open(SharedAssets.model(Q8)); GgufFile q4 = GgufFile.open(SharedAssets.model(Q4))) {
            for (GgufTensorInfo t8 : q8.tensors()) {
                GgufTensorInfo t4 = q4.tensor(t8.name()).orElseThrow();
                if (t8.type() != GgmlType.Q8_0 || t4.type() != GgmlType.Q4_0) {
                    continue; // F32 norms are identical anyway; output.weight is Q6_K in the Q4_0 file
                }
                float[] a = dequantize(q8, t8);
                float[] b = dequantize(q4, t4);
                double r8 = rms(a);
                double r4 = rms(b);
                assertThat(Math.abs(r4 / r8 - 1)).as("RMS of %s: Q8_0 %.5f vs Q4_0 %.5f", t8.name(), r8, r4)
                        .isLessThan(0.03);
                assertThat(correlation(a, b)).as("correlation of %s", t8.name()).isGreaterThan(0.99);
                compared++;
            }
            // magnitudes are those of the generator: N(0, 1/sqrt(fan_in)) projections
            double q = rms(dequantize(q8, q8.tensor("blk.0.attn_q.weight").orElseThrow()));
            double down = rms(dequantize(q8, q8.tensor("blk.0.ffn_down.weight").orElseThrow()));
            System.out.printf("attn_q RMS %.5f (1/sqrt(256) = %.5f), ffn_down RMS %.5f (1/sqrt(768) = %.5f)%n",
                    q, 1 / Math.sqrt(256), down, 1 / Math.sqrt(768));
            assertThat(q).isCloseTo(1 / Math.sqrt(256), org.assertj.core.data.Percentage.withPercentage(3));
            assertThat(down).isCloseTo(1 / Math.sqrt(768), org.assertj.core.data.Percentage.withPercentage(3));
        }
        System.out.println("compared " + compared + " Q8_0/Q4_0 tensor pairs");
        assertThat(compared).isEqualTo(29);
    }

    @Test
    void requantizingLlamaCppBlocksReproducesThemBitExactly() throws IOException {
        long blocks = 0;
        for (String model : new String[] {Q8, Q4}) {
            try (GgufFile f = GgufFile.open(SharedAssets.model(model))) {
                for (GgufTensorInfo t : f.tensors()) {
                    if (t.type() != GgmlType.Q8_0 && t.type() != GgmlType.Q4_0) {
                        continue;
                    }
                    WeightCodec c = WeightCodec.of(t.type());
                    byte[] original = f.tensorData(t).toArray(ValueLayout.JAVA_BYTE);
                    byte[] again = c.quantize(c.dequantize(MemorySegment.ofArray(original), Math.toIntExact(t.nElements())));
                    assertThat(again).as("%s %s", model, t.name()).isEqualTo(original);
                    blocks += t.nElements() / 32;
                }
            }
        }
        System.out.println("re-quantized " + blocks + " llama.cpp blocks bit-exactly");
        assertThat(blocks).isGreaterThan(500_000);
    }

    @Test
    void f16TensorsOfARealFileRoundTrip() throws IOException {
        try (GgufFile f = GgufFile.open(SharedAssets.model("random/llama-2-tiny-random.gguf"))) {
            for (GgufTensorInfo t : f.tensors()) {
                if (t.type() == GgmlType.F16) {
                    WeightCodec c = WeightCodec.of(GgmlType.F16);
                    byte[] original = f.tensorData(t).toArray(ValueLayout.JAVA_BYTE);
                    float[] x = c.dequantize(f.tensorData(t), Math.toIntExact(t.nElements()));
                    assertThat(c.quantize(x)).as(t.name()).isEqualTo(original);
                }
            }
        }
    }
}
