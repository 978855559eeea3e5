package dev.llmstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufMetadata;
import dev.llmstream.gguf.GgufTensorInfo;
import dev.llmstream.gguf.GgufValue;
import dev.llmstream.gguf.GgufWriter;
import dev.llmstream.gguf.ModelHparams;
import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Plans are checked without generating weights: metadata, tensor list and file layout only. */
class SynthPlanTest {

    private static SynthPlan plan(String shape, WeightType type) throws IOException {
        return SynthPlan.create(SynthOptions.of(ShapeCatalog.get(shape), type, 1));
    }

    private static ModelHparams hparams(SynthPlan p) {
        return ModelHparams.from(new GgufMetadata(p.metadata()), p.layout().tensors());
    }

    private static GgufTensorInfo tensor(GgufWriter.Layout layout, String name) {
        return layout.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void smollm2_360mQ8_0WithoutWritingIt() throws IOException {
        SynthPlan p = plan("smollm2-360m", WeightType.Q8_0);
        assertThat(p.parameterCount()).isEqualTo(361_821_120L);
        assertThat(p.tensorCount()).isEqualTo(1 + 32 * 9 + 1);
        GgufWriter.Layout layout = p.layout();

        long f32Params = 0;
        long q8Bytes = 0;
        for (GgufTensorInfo t : layout.tensors()) {
            if (t.nDims() == 1) {
                assertThat(t.type()).as(t.name()).isEqualTo(GgmlType.F32);
                f32Params += t.nElements();
            } else {
                assertThat(t.type()).as(t.name()).isEqualTo(GgmlType.Q8_0);
                assertThat(t.byteSize()).isEqualTo(t.nElements() / 32 * 34);
                q8Bytes += t.byteSize();
            }
            assertThat(t.offset() % 32).isZero();
        }
        assertThat(f32Params).isEqualTo(960L * (2 * 32 + 1));
        assertThat(q8Bytes).isEqualTo((361_821_120L - f32Params) / 32 * 34);
        System.out.printf("smollm2-360m Q8_0 planned file: %,d bytes (header %,d)%n", layout.fileSize(), layout.dataOffset());
        assertThat(layout.fileSize()).isBetween(385_000_000L, 387_000_000L);

        assertThat(tensor(layout, "token_embd.weight").shape()).containsExactly(960, 49152);
        assertThat(tensor(layout, "blk.0.attn_q.weight").shape()).containsExactly(960, 960);
        assertThat(tensor(layout, "blk.31.attn_k.weight").shape()).containsExactly(960, 320);
        assertThat(tensor(layout, "blk.31.attn_v.weight").shape()).containsExactly(960, 320);
        assertThat(tensor(layout, "blk.7.attn_output.weight").shape()).containsExactly(960, 960);
        assertThat(tensor(layout, "blk.7.ffn_gate.weight").shape()).containsExactly(960, 2560);
        assertThat(tensor(layout, "blk.7.ffn_up.weight").shape()).containsExactly(960, 2560);
        assertThat(tensor(layout, "blk.7.ffn_down.weight").shape()).containsExactly(2560, 960);
        assertThat(tensor(layout, "output_norm.weight").shape()).containsExactly(960);
        assertThat(layout.tensors()).noneMatch(t -> t.name().equals("output.weight"));

        Map<String, GgufValue> md = p.metadata();
        assertThat(md.get("general.architecture")).isEqualTo(GgufValue.ofString("llama"));
        assertThat(md.get("general.file_type")).isEqualTo(GgufValue.ofUint32(7));
        assertThat(md.get("general.quantization_version")).isEqualTo(GgufValue.ofUint32(2));
        assertThat(md.get("llama.embedding_length")).isEqualTo(GgufValue.ofUint32(960));
        assertThat(md.get("llama.block_count")).isEqualTo(GgufValue.ofUint32(32));
        assertThat(md.get("llama.feed_forward_length")).isEqualTo(GgufValue.ofUint32(2560));
        assertThat(md.get("llama.attention.head_count")).isEqualTo(GgufValue.ofUint32(15));
        assertThat(md.get("llama.attention.head_count_kv")).isEqualTo(GgufValue.ofUint32(5));
        assertThat(md.get("llama.context_length")).isEqualTo(GgufValue.ofUint32(8192));
        assertThat(md.get("llama.rope.freq_base")).isEqualTo(GgufValue.ofFloat32(100_000f));
        assertThat(md.get("llama.rope.dimension_count")).isEqualTo(GgufValue.ofUint32(64));
        assertThat(md.get("llama.vocab_size")).isEqualTo(GgufValue.ofUint32(49152));
        assertThat(md.get("llama.attention.layer_norm_rms_epsilon")).isEqualTo(GgufValue.ofFloat32(1e-5f));
        assertThat(md.get("tokenizer.ggml.model")).isEqualTo(GgufValue.ofString("llama"));
        assertThat(md.get("tokenizer.ggml.tokens").asArray().length()).isEqualTo(49152);
        assertThat(md.keySet()).noneMatch(k -> k.contains("rope.scaling"));

        ModelHparams h = hparams(p);
        assertThat(List.of(h.nEmbd(), h.nLayer(), h.nHead(), h.nHeadKv(), h.headDim(), h.nFf(), h.nVocab(),
                h.contextLength())).containsExactly(960, 32, 15, 5, 64, 2560, 49152, 8192);
        assertThat(h.tiedEmbeddings()).isTrue();
        assertThat(h.parameterCount()).isEqualTo(361_821_120L);
    }

    @Test
    void catalogueParameterCountsMatchTheRealModels() throws IOException {
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("tiny", 5_245_184L);
        expected.put("smollm2-135m", 134_515_008L);
        expected.put("smollm2-360m", 361_821_120L);
        expected.put("qwen2.5-0.5b", 494_032_768L);
        expected.put("qwen3-0.6b", 596_049_920L);
        expected.put("llama-3.2-1b", 1_235_814_432L);
        assertThat(ShapeCatalog.names()).containsExactlyElementsOf(expected.keySet());
        for (var e : expected.entrySet()) {
            SynthPlan p = plan(e.getKey(), WeightType.Q4_0);
            assertThat(p.parameterCount()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(hparams(p).parameterCount()).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void qwen2HasQkvBiasesInF32() throws IOException {
        SynthPlan p = plan("qwen2.5-0.5b", WeightType.Q8_0);
        GgufWriter.Layout l = p.layout();
        assertThat(tensor(l, "blk.0.attn_q.bias").shape()).containsExactly(896);
        assertThat(tensor(l, "blk.23.attn_k.bias").shape()).containsExactly(128);
        assertThat(tensor(l, "blk.23.attn_v.bias").type()).isEqualTo(GgmlType.F32);
        assertThat(tensor(l, "blk.0.attn_k.weight").shape()).containsExactly(896, 128);
        ModelHparams h = hparams(p);
        assertThat(h.architecture()).isEqualTo("qwen2");
        assertThat(h.qkvBias()).isTrue();
        assertThat(h.qkNorm()).isFalse();
        assertThat(h.rmsEps()).isEqualTo(1e-6f);
        assertThat(h.ropeFreqBase()).isEqualTo(1e6f);
        assertThat(h.contextLength()).isEqualTo(32768);
        assertThat(h.nVocab()).isEqualTo(151936);
    }

    @Test
    void qwen3HasPerHeadQkNormsAndAnExplicitHeadDim() throws IOException {
        SynthPlan p = plan("qwen3-0.6b", WeightType.F16);
        GgufWriter.Layout l = p.layout();
        assertThat(tensor(l, "blk.0.attn_q_norm.weight").shape()).containsExactly(128);
        assertThat(tensor(l, "blk.0.attn_k_norm.weight").type()).isEqualTo(GgmlType.F32);
        assertThat(tensor(l, "blk.0.attn_q.weight").shape()).containsExactly(1024, 2048);
        assertThat(tensor(l, "blk.0.attn_output.weight").shape()).containsExactly(2048, 1024);
        assertThat(tensor(l, "blk.0.attn_q.weight").type()).isEqualTo(GgmlType.F16);
        assertThat(p.metadata().get("general.file_type")).isEqualTo(GgufValue.ofUint32(1));
        ModelHparams h = hparams(p);
        assertThat(h.headDim()).isEqualTo(128);
        assertThat(h.qkNorm()).isTrue();
        assertThat(h.qkvBias()).isFalse();
    }

    @Test
    void llama32HasLlama3RopeFactorsAsATensorNotAsKeys() throws IOException {
        SynthPlan p = plan("llama-3.2-1b", WeightType.Q8_0);
        PlannedTensor rope = p.tensors().stream().filter(t -> t.name().equals("rope_freqs.weight")).findFirst().orElseThrow();
        assertThat(rope.shape()).containsExactly(32);
        assertThat(rope.type()).isEqualTo(GgmlType.F32);
        float[] f = ((WeightInit.Fixed) rope.init()).values();
        // theta 5e5, head_dim 64: wavelengths below 8192/4 keep factor 1, above 8192/1 get 32, three blend
        for (int i = 0; i < 32; i++) {
            double freq = 1 / Math.pow(500_000, 2.0 * i / 64);
            double wavelen = 2 * Math.PI / freq;
            double want = wavelen < 2048 ? 1 : wavelen > 8192 ? 32
                    : 1 / ((1 - (8192 / wavelen - 1) / 3) / 32 + (8192 / wavelen - 1) / 3);
            assertThat((double) f[i]).as("factor %d", i).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4 * want));
        }
        assertThat(f[14]).isEqualTo(1f);
        assertThat(f[15]).isBetween(1.01f, 31.9f);
        assertThat(f[17]).isBetween(1.01f, 31.9f);
        assertThat(f[18]).isEqualTo(32f);
        assertThat(p.metadata().keySet()).noneMatch(k -> k.contains("rope.scaling"));
        ModelHparams h = hparams(p);
        assertThat(h.ropeScaling().type()).isEqualTo(ModelHparams.RopeScalingType.LLAMA3);
        assertThat(h.ropeScaling().freqFactorsTensor()).isTrue();
        assertThat(h.contextLength()).isEqualTo(131072);
        assertThat(h.ropeFreqBase()).isEqualTo(500_000f);
    }

    @Test
    void untiedModelsGetAnOutputHead() throws IOException {
        ModelShape s = ShapeCatalog.get("tiny").toBuilder().tied(false).build();
        SynthPlan p = SynthPlan.create(SynthOptions.of(s, WeightType.Q4_0, 3));
        assertThat(tensor(p.layout(), "output.weight").shape()).containsExactly(256, 8192);
        assertThat(tensor(p.layout(), "output.weight").type()).isEqualTo(GgmlType.Q4_0);
        assertThat(hparams(p).tiedEmbeddings()).isFalse();
        assertThat(p.parameterCount()).isEqualTo(5_245_184L + 256 * 8192);
    }

    @Test
    void vocabFromCopiesEveryTokenizerKeyVerbatim() throws IOException {
        var src = SharedAssets.model("vocab/constructed/qwen3-vocab.gguf");
        SynthPlan p = SynthPlan.create(SynthOptions.of(ShapeCatalog.get("tiny"), WeightType.Q8_0, 1).withVocabFrom(src));
        Map<String, GgufValue> expected = new LinkedHashMap<>();
        try (GgufFile f = GgufFile.open(src)) {
            f.metadata().asMap().forEach((k, v) -> {
                if (k.startsWith("tokenizer.")) {
                    expected.put(k, v);
                }
            });
        }
        Map<String, GgufValue> got = new LinkedHashMap<>();
        p.metadata().forEach((k, v) -> {
            if (k.startsWith("tokenizer.")) {
                got.put(k, v);
            }
        });
        assertThat(got).containsExactlyEntriesOf(expected);
        assertThat(expected).containsKeys("tokenizer.ggml.merges", "tokenizer.chat_template", "tokenizer.ggml.pre");
        assertThat(p.shape().nVocab()).isEqualTo(151936);
        assertThat(tensor(p.layout(), "token_embd.weight").shape()).containsExactly(256, 151936);

        SynthOptions strict = new SynthOptions(ShapeCatalog.get("tiny"), WeightType.Q8_0, 1, Optional.of(src), true,
                Optional.empty(), 1);
        assertThatThrownBy(() -> SynthPlan.create(strict)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--vocab-size 8192").hasMessageContaining("151936 tokens");
    }

    @Test
    void invalidShapesAreRejectedNamingTheOption() {
        ModelShape tiny = ShapeCatalog.get("tiny");
        assertThatThrownBy(() -> tiny.toBuilder().nFf(1000).build().validate(WeightType.Q4_0))
                .hasMessageContaining("--n-ff = 1000").hasMessageContaining("Q4_0 block size 32");
        tiny.toBuilder().nFf(1000).build().validate(WeightType.F32); // fine unquantized
        assertThatThrownBy(() -> tiny.toBuilder().nHeadKv(3).build().validate(WeightType.F32))
                .hasMessageContaining("--n-head 8 must be a multiple of --n-head-kv 3");
        assertThatThrownBy(() -> tiny.toBuilder().architecture("gpt2").build().validate(WeightType.F32))
                .hasMessageContaining("--arch gpt2 is not supported");
        assertThatThrownBy(() -> tiny.toBuilder().nEmbd(250).build().validate(WeightType.F32))
                .hasMessageContaining("--n-embd 250 must be a multiple of --n-head 8");
        assertThatThrownBy(() -> tiny.toBuilder().nLayer(0).build().validate(WeightType.F32))
                .hasMessageContaining("--n-layer must be in 1..");
        assertThatThrownBy(() -> ShapeCatalog.get("llama-3.2-1b").toBuilder().architecture("qwen2").build()
                .validate(WeightType.F32)).hasMessageContaining("only loaded for --arch llama");
        assertThatThrownBy(() -> SynthPlan.create(SynthOptions.of(tiny.toBuilder().nVocab(100).build(), WeightType.F32, 1)))
                .hasMessageContaining("at least " + VocabGenerator.MIN_SIZE);
        assertThatThrownBy(() -> ShapeCatalog.get("gpt-5")).hasMessageContaining("unknown shape 'gpt-5'")
                .hasMessageContaining("smollm2-360m");
    }
}
