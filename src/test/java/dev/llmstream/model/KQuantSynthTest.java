package dev.llmstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.engine.cpu.model.ModelConfig;
import dev.llmstream.engine.cpu.model.ModelWeights;
import dev.llmstream.engine.cpu.tensor.WeightMatrix;
import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufTensorInfo;
import dev.llmstream.gguf.quant.WeightCodec;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A K-quant mix end to end: written by {@link ModelSynthesizer}, read back by {@link GgufFile},
 * tensor types per llama.cpp's Q4_K_M rules, loaded by the CPU engine, deterministic. (That the
 * bytes equal llama.cpp's own quantization of the same floats is {@code GgmlVectorsTest} for the
 * codecs and {@code QuantMixGoldenTest} for the types.)
 */
class KQuantSynthTest {
    private static final ModelShape TINY = ShapeCatalog.get("tiny"); // n_embd 256, n_ff 768, 4 layers, tied

    @TempDir
    Path tmp;

    private Path synth(String file, ModelShape shape, WeightType type, long seed, int threads) throws IOException {
        Path out = tmp.resolve(file);
        ModelSynthesizer.synthesize(SynthOptions.of(shape, type, seed).withThreads(threads), out, Progress.Mode.SILENT);
        return out;
    }

    @Test
    void tinyQ4_K_MReadsBackWithLlamaCppsTypesAndLoadsInTheEngine() throws IOException {
        Path p = synth("tiny-q4km.gguf", TINY, WeightType.Q4_K_M, 5, 2);
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.metadata().requireLong("general.file_type")).isEqualTo(15); // LLAMA_FTYPE_MOSTLY_Q4_K_M
            // tied: token_embd is the output head -> Q6_K; use_more_bits(i, 4) holds for layers 2 and 3
            assertThat(f.tensor("token_embd.weight").orElseThrow().type()).isEqualTo(GgmlType.Q6_K);
            for (int i = 0; i < 4; i++) {
                GgmlType more = i >= 2 ? GgmlType.Q6_K : GgmlType.Q4_K;
                assertThat(type(f, "blk." + i + ".attn_v.weight")).as("layer %d attn_v", i).isEqualTo(more);
                assertThat(type(f, "blk." + i + ".ffn_down.weight")).as("layer %d ffn_down", i).isEqualTo(more);
                for (String m : List.of("attn_q", "attn_k", "attn_output", "ffn_gate", "ffn_up")) {
                    assertThat(type(f, "blk." + i + "." + m + ".weight")).isEqualTo(GgmlType.Q4_K);
                }
                assertThat(type(f, "blk." + i + ".attn_norm.weight")).isEqualTo(GgmlType.F32);
            }
            // the engine loads it, and its Q4_K / Q6_K rows decode to what our codecs decode
            ModelWeights w = ModelWeights.load(f, ModelConfig.from(f));
            assertThat(w.tokenEmbedding().type()).isEqualTo(GgmlType.Q6_K);
            assertThat(w.layer(0).wq().type()).isEqualTo(GgmlType.Q4_K);
            assertThat(w.layer(3).wv().type()).isEqualTo(GgmlType.Q6_K);
            assertSameRows(f, "token_embd.weight", w.tokenEmbedding());
            assertSameRows(f, "blk.0.attn_q.weight", w.layer(0).wq());
            assertSameRows(f, "blk.3.ffn_down.weight", w.layer(3).wDown());
        }
    }

    private static GgmlType type(GgufFile f, String name) {
        return f.tensor(name).orElseThrow().type();
    }

    private static void assertSameRows(GgufFile f, String name, WeightMatrix m) {
        GgufTensorInfo t = f.tensor(name).orElseThrow();
        float[] ours = WeightCodec.of(t.type()).dequantize(f.tensorData(t), Math.toIntExact(t.nElements()));
        float[] row = new float[m.cols()];
        for (int r : new int[] {0, 1, m.rows() / 2, m.rows() - 1}) {
            m.dequantizeRowScalar(r, row, 0);
            float[] expected = Arrays.copyOfRange(ours, r * m.cols(), (r + 1) * m.cols());
            for (int j = 0; j < row.length; j++) {
                // the engine may fuse d*q - m into one rounding (FMA); ggml rounds twice
                assertThat(row[j]).as("%s row %d col %d", name, r, j)
                        .isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-6f * (1 + Math.abs(expected[j]))));
            }
        }
    }

    @Test
    void sameSeedGivesIdenticalK_QuantFilesWhateverTheThreadCount() throws IOException {
        ModelShape small = TINY.toBuilder().nLayer(2).build();
        for (WeightType t : List.of(WeightType.Q4_K_M, WeightType.Q5_K_S, WeightType.Q6_K)) {
            byte[] a = Files.readAllBytes(synth(t + "-a.gguf", small, t, 77, 1));
            byte[] b = Files.readAllBytes(synth(t + "-b.gguf", small, t, 77, 2));
            byte[] c = Files.readAllBytes(synth(t + "-c.gguf", small, t, 78, 2));
            assertThat(b).as(t.toString()).isEqualTo(a);
            assertThat(c).as(t.toString()).hasSameSizeAs(a).isNotEqualTo(a);
        }
    }

    @Test
    void fallbacksForRowsThatAreNotWholeSuperBlocks() throws IOException {
        // n_embd 320: every matrix reading the residual stream has rows of 320 (not a multiple of 256)
        ModelShape s = TINY.toBuilder().nEmbd(320).nHead(10).nHeadKv(5).nLayer(2).build();
        Path p = synth("fallback.gguf", s, WeightType.Q4_K_M, 3, 2);
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(type(f, "token_embd.weight")).isEqualTo(GgmlType.Q8_0);      // output rule, not a fallback
            assertThat(type(f, "blk.0.attn_q.weight")).isEqualTo(GgmlType.Q5_0);    // Q4_K -> Q5_0
            assertThat(type(f, "blk.1.attn_v.weight")).isEqualTo(GgmlType.Q8_0);    // Q6_K -> Q8_0 (use_more_bits)
            assertThat(type(f, "blk.0.ffn_down.weight")).isEqualTo(GgmlType.Q4_K);  // rows of n_ff = 768: no fallback
            assertThat(type(f, "blk.1.ffn_down.weight")).isEqualTo(GgmlType.Q6_K);
        }
        assertThat(QuantMix.fallback(GgmlType.Q5_K, 320, "t")).isEqualTo(GgmlType.Q5_1);
        assertThat(QuantMix.fallback(GgmlType.Q4_K, 48, "t")).isEqualTo(GgmlType.F16); // not even 32-weight blocks
        assertThat(QuantMix.fallback(GgmlType.Q6_K, 512, "t")).isEqualTo(GgmlType.Q6_K);
        assertThatThrownBy(() -> QuantMix.fallback(GgmlType.Q8_0, 48, "output.weight"))
                .hasMessageContaining("llama.cpp defines no fallback for Q8_0");
        assertThatThrownBy(() -> s.toBuilder().nFf(1000).build().validate(WeightType.Q4_K_M))
                .hasMessageContaining("--n-ff = 1000 is not a multiple of the Q4_K_M minimum width 32");
    }

    @Test
    void useMoreBitsPicksLlamaCppsLayers() {
        List<Integer> picked = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if (QuantMix.useMoreBits(i, 32)) {
                picked.add(i);
            }
        }
        assertThat(picked).containsExactly(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31);
        assertThat(QuantMix.layer("blk.17.ffn_down.weight")).isEqualTo(17);
        assertThat(QuantMix.layer("output.weight")).isEqualTo(-1);
        assertThat(QuantMix.category("blk.0.attn_v.weight")).isEqualTo(QuantMix.Category.ATTN_V);
        assertThat(QuantMix.category("blk.0.attn_norm.weight")).isEqualTo(QuantMix.Category.OTHER);
    }
}
