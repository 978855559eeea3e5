package dev.llmstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufTensorInfo;
import dev.llmstream.gguf.ModelHparams;
import dev.llmstream.gguf.quant.WeightCodec;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSynthesizerTest {
    private static final ModelShape TINY = ShapeCatalog.get("tiny");

    @TempDir
    Path tmp;

    private Path synth(String file, WeightType type, long seed, int threads) throws IOException {
        Path out = tmp.resolve(file);
        ModelSynthesizer.Result r = ModelSynthesizer.synthesize(SynthOptions.of(TINY, type, seed).withThreads(threads), out,
                Progress.Mode.SILENT);
        assertThat(r.path()).isEqualTo(out.toAbsolutePath());
        assertThat(r.fileSize()).isEqualTo(Files.size(out));
        return out;
    }

    private static float[] weights(GgufFile f, String name) {
        GgufTensorInfo t = f.tensor(name).orElseThrow();
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

    private static GgmlType plannedType(WeightType t, String name) throws IOException {
        return SynthPlan.create(SynthOptions.of(TINY, t, 7)).tensors().stream().filter(p -> p.name().equals(name))
                .findFirst().orElseThrow().type();
    }

    @Test
    void tinyModelReadsBackWithItsShapeAndWeightScales() throws IOException {
        Path p = synth("tiny.gguf", WeightType.Q8_0, 5, 2);
        try (GgufFile f = GgufFile.open(p)) {
            ModelHparams h = ModelHparams.from(f);
            assertThat(List.of(h.nEmbd(), h.nLayer(), h.nHead(), h.nHeadKv(), h.headDim(), h.nFf(), h.nVocab(),
                    h.contextLength())).containsExactly(256, 4, 8, 4, 32, 768, 8192, 2048);
            assertThat(h.parameterCount()).isEqualTo(5_245_184L);
            assertThat(h.tiedEmbeddings()).isTrue();
            assertThat(f.metadata().requireString("general.name")).isEqualTo("synth-tiny");
            assertThat(f.metadata().requireString("general.description")).contains("Random-weight").contains("seed 5");
            assertThat(f.metadata().requireArray("tokenizer.ggml.tokens").strings())
                    .containsExactlyElementsOf(VocabGenerator.generate(8192).tokens());

            assertThat(rms(weights(f, "blk.0.attn_q.weight"))).isCloseTo(1 / 16.0, org.assertj.core.data.Percentage.withPercentage(3));
            assertThat(rms(weights(f, "blk.3.ffn_down.weight"))).isCloseTo(1 / Math.sqrt(768), org.assertj.core.data.Percentage.withPercentage(3));
            assertThat(rms(weights(f, "token_embd.weight"))).isCloseTo(WeightInit.LOGIT_STD / 16, org.assertj.core.data.Percentage.withPercentage(3));
            float[] gain = weights(f, "blk.2.ffn_norm.weight");
            double mean = 0;
            for (float g : gain) {
                mean += g / gain.length;
            }
            assertThat(mean).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.03));
        }
    }

    @Test
    void sameSeedGivesIdenticalBytesWhateverTheThreadCount() throws IOException {
        byte[] a = Files.readAllBytes(synth("a.gguf", WeightType.Q4_0, 99, 1));
        byte[] b = Files.readAllBytes(synth("b.gguf", WeightType.Q4_0, 99, 2));
        byte[] c = Files.readAllBytes(synth("c.gguf", WeightType.Q4_0, 100, 2));
        assertThat(b).isEqualTo(a);
        assertThat(c).hasSameSizeAs(a).isNotEqualTo(a);
        assertThat(tmp.toFile().list()).containsExactlyInAnyOrder("a.gguf", "b.gguf", "c.gguf"); // no temp files left
    }

    @Test
    void everyWeightTypeOfOneSeedHoldsTheSameModel() throws IOException {
        Map<WeightType, Path> files = new EnumMap<>(WeightType.class);
        for (WeightType t : WeightType.values()) {
            files.put(t, synth(t + ".gguf", t, 7, 2));
        }
        try (GgufFile f32 = GgufFile.open(files.get(WeightType.F32))) {
            for (String name : List.of("token_embd.weight", "blk.1.attn_v.weight", "blk.3.ffn_gate.weight")) {
                float[] master = weights(f32, name);
                // the F32 file stores the generator's float master exactly (checked on the last row)
                PlannedTensor planned = SynthPlan.create(SynthOptions.of(TINY, WeightType.Q4_0, 7)).tensors().stream()
                        .filter(t -> t.name().equals(name)).findFirst().orElseThrow();
                int rowLength = planned.rowLength();
                long last = planned.rows() - 1;
                float[] row = WeightGenerator.masterRows(planned, 7, last, 1);
                assertThat(row).containsExactly(java.util.Arrays.copyOfRange(master, (int) (last * rowLength),
                        (int) ((last + 1) * rowLength)));
                for (WeightType t : WeightType.values()) {
                    try (GgufFile f = GgufFile.open(files.get(t))) {
                        GgmlType stored = f.tensor(name).orElseThrow().type();
                        assertThat(stored).isEqualTo(plannedType(t, name));
                        assertThat(f.metadata().requireLong("general.file_type")).isEqualTo(t.fileType());
                        float[] w = weights(f, name);
                        double minCorrelation = switch (stored) {
                            case F32 -> 1.0;
                            case F16, BF16 -> 0.99999;
                            case Q8_0 -> 0.9999;
                            case Q6_K -> 0.9995;
                            case Q5_K -> 0.998;
                            case Q4_0, Q4_K -> 0.99;
                            default -> throw new AssertionError("unexpected type " + stored);
                        };
                        assertThat(correlation(master, w)).as("%s %s", t, name).isGreaterThanOrEqualTo(minCorrelation - 1e-12);
                        assertThat(rms(w) / rms(master)).as("%s %s", t, name).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.03));
                    }
                }
            }
            // 1-D tensors are F32 in every file, so byte-identical across types
            byte[] norm = f32.tensorData("output_norm.weight").toArray(ValueLayout.JAVA_BYTE);
            try (GgufFile q4 = GgufFile.open(files.get(WeightType.Q4_0))) {
                assertThat(q4.tensorData("output_norm.weight").toArray(ValueLayout.JAVA_BYTE)).isEqualTo(norm);
            }
        }
    }

    /**
     * The documented output scale: after the final RMS norm the hidden state has RMS 1, so the
     * logits over the vocabulary have standard deviation ~{@link WeightInit#LOGIT_STD}.
     */
    @Test
    void logitsOfANormalizedHiddenStateHaveTheDocumentedSpread() throws IOException {
        Path p = synth("f32.gguf", WeightType.F32, 11, 2);
        try (GgufFile f = GgufFile.open(p)) {
            float[] embd = weights(f, "token_embd.weight"); // tied: the output head, [256, 8192]
            float[] gain = weights(f, "output_norm.weight");
            SplittableRandom rnd = new SplittableRandom(1);
            for (int trial = 0; trial < 3; trial++) {
                double[] h = new double[256];
                double ss = 0;
                for (int i = 0; i < 256; i++) {
                    h[i] = rnd.nextGaussian();
                    ss += h[i] * h[i];
                }
                double inv = 1 / Math.sqrt(ss / 256);
                double sum = 0;
                double sum2 = 0;
                double top1 = Double.NEGATIVE_INFINITY;
                double top2 = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < 8192; v++) {
                    double logit = 0;
                    for (int i = 0; i < 256; i++) {
                        logit += embd[v * 256 + i] * gain[i] * h[i] * inv;
                    }
                    sum += logit;
                    sum2 += logit * logit;
                    if (logit > top1) {
                        top2 = top1;
                        top1 = logit;
                    } else if (logit > top2) {
                        top2 = logit;
                    }
                }
                double std = Math.sqrt(sum2 / 8192 - (sum / 8192) * (sum / 8192));
                System.out.printf("logit std %.3f, top1-top2 margin %.3f%n", std, top1 - top2);
                assertThat(std).isBetween(3.0, 4.0);
            }
        }
    }
}
