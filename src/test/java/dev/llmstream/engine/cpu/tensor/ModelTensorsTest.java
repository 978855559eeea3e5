package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufTensorInfo;
import dev.llmstream.model.ModelShape;
import dev.llmstream.model.ModelSynthesizer;
import dev.llmstream.model.ShapeCatalog;
import dev.llmstream.model.SynthOptions;
import dev.llmstream.model.WeightType;
import dev.llmstream.testing.SharedAssets;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tensors from the shared models. The three {@code rand-llama-phi3vocab-20M} files were quantized
 * by llama.cpp from one F32 master, so a tensor decoded from the Q4_K_M or Q4_0 file must match the
 * same tensor decoded from the Q8_0 file up to quantization noise. A wrong element order (a swapped
 * nibble half, a misplaced high bit or scale) decorrelates most elements, so the correlation and
 * relative-error bounds catch it; the Q8_0 kernels themselves are covered by {@link Q8_0MatrixTest}.
 *
 * <p>Measured on every tensor of these files: relative RMS error vs Q8_0 of 0.085–0.087 for Q4_0,
 * 0.071–0.072 for Q4_K and 0.0185–0.0187 for Q6_K (weights and matmul outputs alike), correlation
 * 0.996 / 0.997 / 0.9998; in the synthesized 160-wide files 0.040–0.047 for Q5_0 and 0.035–0.043 for Q5_1,
 * correlation 0.9989 / 0.9991. The bounds sit about 25% above that; one sub-block decoded with a wrong
 * scale, nibble or high bit already pushes the error past 0.3, a wrong element order past 1.
 */
class ModelTensorsTest {
    private static final String DIR = "random/";

    private static GgufFile open(String name) throws IOException {
        return GgufFile.open(SharedAssets.model(DIR + name));
    }

    private static WeightMatrix matrix(GgufFile f, GgufTensorInfo info) {
        return WeightMatrices.of(info.type(), f.tensorData(info), (int) info.dim(1), (int) info.dim(0));
    }

    @Test
    void q4KAndQ6KTensorsMatchTheQ8_0Quantization() throws IOException {
        compareWithQ8_0("rand-llama-phi3vocab-20M-Q4_K_M.gguf", EnumSet.of(GgmlType.Q4_K, GgmlType.Q6_K));
    }

    @Test
    void q4_0AndQ6KTensorsMatchTheQ8_0Quantization() throws IOException {
        compareWithQ8_0("rand-llama-phi3vocab-20M-Q4_0.gguf", EnumSet.of(GgmlType.Q4_0, GgmlType.Q6_K));
    }

    /**
     * Q5_0 and Q5_1 tensors, which llama-quantize writes for K-quant tensors with rows that are not whole
     * super-blocks: {@code model synth} files of one seed hold the same weights in every type, so a 160-wide
     * tiny model in Q4_K_M (Q5_0 fallback) and Q5_K_M (Q5_1) is compared with its Q8_0 twin.
     */
    @Test
    void q5_0AndQ5_1TensorsMatchTheQ8_0Quantization(@TempDir Path dir) throws IOException {
        ModelShape shape = ShapeCatalog.get("tiny").toBuilder().nEmbd(160).nFf(480).build();
        java.util.Map<WeightType, Path> files = new java.util.EnumMap<>(WeightType.class);
        for (WeightType t : new WeightType[] {WeightType.Q8_0, WeightType.Q4_K_M, WeightType.Q5_K_M}) {
            files.put(t, dir.resolve(t + ".gguf"));
            ModelSynthesizer.synthesize(SynthOptions.of(shape, t, 11), files.get(t), Progress.Mode.SILENT);
        }
        try (GgufFile q8 = GgufFile.open(files.get(WeightType.Q8_0));
             GgufFile q4km = GgufFile.open(files.get(WeightType.Q4_K_M));
             GgufFile q5km = GgufFile.open(files.get(WeightType.Q5_K_M))) {
            compareWithQ8_0(q4km, q8, "synth-160-Q4_K_M", EnumSet.of(GgmlType.Q5_0, GgmlType.Q8_0));
            compareWithQ8_0(q5km, q8, "synth-160-Q5_K_M", EnumSet.of(GgmlType.Q5_1, GgmlType.Q8_0));
            SplittableRandom rnd = new SplittableRandom(6);
            MatrixTestSupport.assertKernelMatchesScalarTwin(matrix(q4km, q4km.tensor("blk.0.attn_k.weight").orElseThrow()), rnd);
            MatrixTestSupport.assertKernelMatchesScalarTwin(matrix(q5km, q5km.tensor("blk.1.ffn_down.weight").orElseThrow()), rnd);
        }
    }

    private static void compareWithQ8_0(String file, Set<GgmlType> expectedTypes) throws IOException {
        try (GgufFile quant = open(file); GgufFile q8 = open("rand-llama-phi3vocab-20M-Q8_0.gguf")) {
            compareWithQ8_0(quant, q8, file, expectedTypes);
        }
    }

    private static void compareWithQ8_0(GgufFile quant, GgufFile q8, String file, Set<GgmlType> expectedTypes) {
        EnumSet<GgmlType> seen = EnumSet.noneOf(GgmlType.class);
        SplittableRandom rnd = new SplittableRandom(3);
        for (GgufTensorInfo info : quant.tensors()) {
            if (info.nDims() != 2 || !info.type().isQuantized()) {
                continue;
            }
            seen.add(info.type());
            GgufTensorInfo ref = q8.tensor(info.name()).orElseThrow();
            assertThat(ref.type()).isEqualTo(GgmlType.Q8_0);
            assertThat(ref.shape()).isEqualTo(info.shape());
            WeightMatrix m = matrix(quant, info);
            WeightMatrix r = matrix(q8, ref);
            Agreement w = weightAgreement(m, r);
            Agreement y = outputAgreement(m, r, rnd);
            System.out.printf("%s %-24s %-5s weights relRms %.4f corr %.5f | outputs relRms %.4f corr %.5f%n",
                    file, info.name(), info.type(), w.relRms, w.corr, y.relRms, y.corr);
            double maxErr = switch (info.type()) {
                case Q8_0 -> 1e-9; // the same quantization in both files
                case Q6_K -> 0.025;
                case Q5_0, Q5_1 -> 0.06;
                case Q4_K -> 0.09;
                default -> 0.11;
            };
            double minCorr = switch (info.type()) {
                case Q8_0, Q6_K -> 0.9995;
                case Q5_0, Q5_1 -> 0.998;
                default -> 0.99;
            };
            assertThat(w.relRms).as("%s %s weights", file, info.name()).isLessThan(maxErr);
            assertThat(w.corr).as("%s %s weights", file, info.name()).isGreaterThan(minCorr);
            assertThat(y.relRms).as("%s %s outputs", file, info.name()).isLessThan(maxErr);
            assertThat(y.corr).as("%s %s outputs", file, info.name()).isGreaterThan(minCorr);
        }
        assertThat(seen).isEqualTo(expectedTypes);
    }

    record Agreement(double relRms, double corr) {
        static Agreement of(float[] a, float[] b, int n) {
            double err = 0, ref = 0, sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
            for (int i = 0; i < n; i++) {
                double d = a[i] - b[i];
                err += d * d;
                ref += (double) b[i] * b[i];
                sa += a[i];
                sb += b[i];
                sab += (double) a[i] * b[i];
                saa += (double) a[i] * a[i];
                sbb += (double) b[i] * b[i];
            }
            double cov = sab - sa * sb / n;
            double corr = cov / Math.sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
            return new Agreement(Math.sqrt(err / ref), corr);
        }
    }

    private static Agreement weightAgreement(WeightMatrix m, WeightMatrix ref) {
        int n = m.rows() * m.cols();
        float[] a = new float[n];
        float[] b = new float[n];
        for (int row = 0; row < m.rows(); row++) {
            m.dequantizeRow(row, a, row * m.cols());
            ref.dequantizeRow(row, b, row * m.cols());
        }
        return Agreement.of(a, b, n);
    }

    /** Batched (5 tokens) products against the Q8_0 tensor's. */
    private static Agreement outputAgreement(WeightMatrix m, WeightMatrix ref, SplittableRandom rnd) {
        int tokens = 5;
        float[] x = MatrixTestSupport.randomActivations(tokens * m.cols(), rnd);
        float[] a = new float[tokens * m.rows()];
        float[] b = new float[tokens * m.rows()];
        m.matmul(MatrixTestSupport.prepare(m, x, tokens), a, m.rows(), 0, m.rows());
        ref.matmul(MatrixTestSupport.prepare(ref, x, tokens), b, m.rows(), 0, m.rows());
        // one token alone must give its bits in the batch
        float[] single = new float[m.rows()];
        m.matmul(MatrixTestSupport.prepare(m, java.util.Arrays.copyOf(x, m.cols()), 1), single, m.rows(), 0, m.rows());
        assertThat(single).containsExactly(java.util.Arrays.copyOf(a, m.rows()));
        return Agreement.of(a, b, a.length);
    }

    @Test
    void kernelsMatchScalarTwinsOnRealTensors() throws IOException {
        SplittableRandom rnd = new SplittableRandom(5);
        try (GgufFile km = open("rand-llama-phi3vocab-20M-Q4_K_M.gguf");
             GgufFile q40 = open("rand-llama-phi3vocab-20M-Q4_0.gguf");
             GgufFile f16 = open("llama-2-tiny-random.gguf")) {
            MatrixTestSupport.assertKernelMatchesScalarTwin(matrix(km, km.tensor("blk.0.attn_k.weight").orElseThrow()), rnd);
            MatrixTestSupport.assertKernelMatchesScalarTwin(matrix(km, km.tensor("blk.2.ffn_down.weight").orElseThrow()), rnd);
            MatrixTestSupport.assertKernelMatchesScalarTwin(matrix(q40, q40.tensor("blk.1.attn_v.weight").orElseThrow()), rnd);
            for (String name : new String[] {"blk.0.ffn_down.weight", "blk.0.ffn_up.weight", "output.weight"}) {
                GgufTensorInfo info = f16.tensor(name).orElseThrow();
                assertThat(info.type()).isEqualTo(GgmlType.F16);
                MatrixTestSupport.assertKernelMatchesScalarTwin(matrix(f16, info), rnd);
            }
        }
    }

    /** The F16 file's weights decode to the JDK's binary16 conversion of the raw values. */
    @Test
    void f16TensorDecodesToItsHalfFloats() throws IOException {
        try (GgufFile f = open("llama-2-tiny-random.gguf")) {
            GgufTensorInfo info = f.tensor("token_embd.weight").orElseThrow();
            WeightMatrix m = matrix(f, info);
            java.lang.foreign.MemorySegment raw = f.tensorData(info);
            float[] row = new float[m.cols()];
            double sumSq = 0;
            for (int r = 0; r < m.rows(); r++) {
                m.dequantizeRow(r, row, 0);
                for (int c = 0; c < m.cols(); c++) {
                    short h = raw.get(BlockWriter.F16, 2L * (r * (long) m.cols() + c));
                    assertThat(row[c]).isEqualTo(Float.float16ToFloat(h));
                    sumSq += row[c] * row[c];
                }
            }
            assertThat(sumSq).isPositive(); // not an all-zero tensor
        }
    }
}
