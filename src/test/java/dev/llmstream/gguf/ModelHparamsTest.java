package dev.llmstream.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelHparamsTest {

    @Test
    void stories260k() throws IOException {
        try (GgufFile f = GgufFile.open(SharedAssets.model("stories260K.gguf"))) {
            ModelHparams h = ModelHparams.from(f);
            assertThat(h.architecture()).isEqualTo("llama");
            assertThat(List.of(h.nEmbd(), h.nLayer(), h.nHead(), h.nHeadKv(), h.headDim(), h.valueHeadDim(), h.nFf(),
                    h.nVocab(), h.contextLength(), h.ropeDimensionCount())).containsExactly(64, 5, 8, 4, 8, 8, 172, 512,
                    2048, 8);
            assertThat(h.ropeFreqBase()).isEqualTo(10000f);
            assertThat(h.rmsEps()).isEqualTo(1e-5f);
            assertThat(h.tiedEmbeddings()).isFalse();
            assertThat(h.qkvBias()).isFalse();
            assertThat(h.qkNorm()).isFalse();
            assertThat(h.parameterCount()).isEqualTo(292_800);
            assertThat(h.ropeScaling().type()).isEqualTo(ModelHparams.RopeScalingType.NONE);
            assertThat(h.ropeScaling().factor()).isEqualTo(1f);
            assertThat(h.ropeScaling().originalContextLength()).isEqualTo(2048);
            assertThat(h.qDim()).isEqualTo(64);
            assertThat(h.kvDim()).isEqualTo(32);
            assertThat(h.gqaGroups()).isEqualTo(2);
        }
    }

    @Test
    void sharedRandomModels() throws IOException {
        try (GgufFile f = GgufFile.open(SharedAssets.model("random/rand-llama-phi3vocab-20M-Q8_0.gguf"))) {
            ModelHparams h = ModelHparams.from(f);
            assertThat(List.of(h.nEmbd(), h.nLayer(), h.nHead(), h.nHeadKv(), h.headDim(), h.nFf(), h.nVocab(),
                    h.contextLength())).containsExactly(256, 4, 8, 4, 32, 768, 32064, 4096);
            assertThat(h.parameterCount()).isEqualTo(19_564_800);
            assertThat(h.tiedEmbeddings()).isFalse();
        }
        try (GgufFile f = GgufFile.open(SharedAssets.model("random/llama-2-tiny-random.gguf"))) {
            ModelHparams h = ModelHparams.from(f);
            assertThat(List.of(h.nEmbd(), h.nLayer(), h.nHead(), h.nHeadKv(), h.nFf(), h.nVocab(), h.contextLength()))
                    .containsExactly(8, 1, 2, 2, 32, 32000, 4096);
            assertThat(h.parameterCount()).isEqualTo(513_048);
        }
    }

    @Test
    void vocabOnlyFileKeepsItsShapeMetadataButHasNoTensors() throws IOException {
        try (GgufFile f = GgufFile.open(SharedAssets.model("vocab/constructed/qwen3-vocab.gguf"))) {
            ModelHparams h = ModelHparams.from(f);
            assertThat(List.of(h.nEmbd(), h.nLayer(), h.nHead(), h.nHeadKv(), h.headDim(), h.nFf(), h.nVocab(),
                    h.contextLength())).containsExactly(1024, 28, 16, 8, 128, 3072, 151936, 40960);
            assertThat(h.ropeFreqBase()).isEqualTo(1e6f);
            assertThat(h.rmsEps()).isEqualTo(1e-6f);
            assertThat(h.parameterCount()).isZero();
            assertThat(h.tiedEmbeddings()).isFalse(); // no token_embd.weight: nothing to tie
        }
    }

    /** Minimal valid llama metadata; tests change one thing at a time. */
    private static Map<String, GgufValue> base() {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.ofString("qwen2"));
        md.put("qwen2.embedding_length", GgufValue.ofUint32(128));
        md.put("qwen2.block_count", GgufValue.ofUint32(2));
        md.put("qwen2.attention.head_count", GgufValue.ofUint32(4));
        md.put("qwen2.feed_forward_length", GgufValue.ofUint32(256));
        md.put("qwen2.context_length", GgufValue.ofUint32(1024));
        md.put("qwen2.attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(1e-6f));
        md.put("qwen2.vocab_size", GgufValue.ofUint32(1000));
        return md;
    }

    private static ModelHparams read(Map<String, GgufValue> md, String... tensorNames) {
        List<GgufTensorInfo> tensors = new ArrayList<>();
        for (String n : tensorNames) {
            tensors.add(new GgufTensorInfo(n, new long[] {128, 10}, GgmlType.F32, 0));
        }
        return ModelHparams.from(new GgufMetadata(md), tensors);
    }

    @Test
    void defaultsFollowLlamaCpp() {
        ModelHparams h = read(base());
        assertThat(h.nHeadKv()).isEqualTo(4);          // head_count_kv defaults to head_count
        assertThat(h.headDim()).isEqualTo(32);         // n_embd / n_head
        assertThat(h.ropeDimensionCount()).isEqualTo(32);
        assertThat(h.ropeFreqBase()).isEqualTo(10000f);
        assertThat(h.nVocab()).isEqualTo(1000);        // from qwen2.vocab_size without a token list
        assertThat(h.parameterCount()).isZero();
    }

    @Test
    void tensorInfosDecideTiedBiasAndQkNorm() {
        ModelHparams h = read(base(), "token_embd.weight", "blk.0.attn_q.bias", "blk.0.attn_q_norm.weight");
        assertThat(h.tiedEmbeddings()).isTrue();
        assertThat(h.qkvBias()).isTrue();
        assertThat(h.qkNorm()).isTrue();
        assertThat(h.parameterCount()).isEqualTo(3 * 1280);
        assertThat(read(base(), "token_embd.weight", "output.weight").tiedEmbeddings()).isFalse();
        Map<String, GgufValue> md = base();
        md.remove("qwen2.vocab_size");
        assertThat(read(md, "token_embd.weight").nVocab()).isEqualTo(10); // token_embd ne[1]
        assertThatThrownBy(() -> read(md)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tokenizer.ggml.tokens");
    }

    @Test
    void explicitHeadDimsAndPerLayerArrays() {
        Map<String, GgufValue> md = base();
        md.put("qwen2.attention.key_length", GgufValue.ofUint32(64));
        md.put("qwen2.attention.value_length", GgufValue.ofUint32(48));
        md.put("qwen2.attention.head_count_kv", GgufValue.ofArray(GgufArray.ofInts(2, 2)));
        ModelHparams h = read(md);
        assertThat(h.headDim()).isEqualTo(64);
        assertThat(h.valueHeadDim()).isEqualTo(48);
        assertThat(h.nHeadKv()).isEqualTo(2);
        assertThat(h.qDim()).isEqualTo(256);
        md.put("qwen2.attention.head_count_kv", GgufValue.ofArray(GgufArray.ofInts(2, 4)));
        assertThatThrownBy(() -> read(md)).hasMessageContaining("qwen2.attention.head_count_kv")
                .hasMessageContaining("layers differ");
        md.put("qwen2.attention.head_count_kv", GgufValue.ofArray(GgufArray.ofInts(2)));
        assertThatThrownBy(() -> read(md)).hasMessageContaining("must hold 2 integers");
    }

    @Test
    void inconsistentOrMissingValuesNameTheKey() {
        Map<String, GgufValue> md = base();
        md.put("qwen2.attention.head_count_kv", GgufValue.ofUint32(3));
        assertThatThrownBy(() -> read(md)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("qwen2.attention.head_count_kv").hasMessageContaining("not a multiple");
        Map<String, GgufValue> md2 = base();
        md2.put("qwen2.attention.head_count", GgufValue.ofUint32(3));
        md2.put("qwen2.attention.head_count_kv", GgufValue.ofUint32(3));
        assertThatThrownBy(() -> read(md2)).hasMessageContaining("qwen2.attention.key_length")
                .hasMessageContaining("not a multiple of head_count 3");
        for (String key : List.of("general.architecture", "qwen2.block_count", "qwen2.context_length",
                "qwen2.feed_forward_length", "qwen2.attention.layer_norm_rms_epsilon")) {
            Map<String, GgufValue> m = base();
            m.remove(key);
            assertThatThrownBy(() -> read(m)).as(key).isInstanceOf(GgufFormatException.class).hasMessageContaining(key);
        }
        Map<String, GgufValue> m = base();
        m.put("qwen2.block_count", GgufValue.ofString("two"));
        assertThatThrownBy(() -> read(m)).hasMessageContaining("qwen2.block_count").hasMessageContaining("STRING");
        Map<String, GgufValue> zero = base();
        zero.put("qwen2.embedding_length", GgufValue.ofUint32(0));
        assertThatThrownBy(() -> read(zero)).hasMessageContaining("must be positive");
    }

    @Test
    void ropeScalingKinds() {
        Map<String, GgufValue> md = base();
        md.put("qwen2.rope.scaling.type", GgufValue.ofString("yarn"));
        md.put("qwen2.rope.scaling.factor", GgufValue.ofFloat32(4f));
        md.put("qwen2.rope.scaling.original_context_length", GgufValue.ofUint32(32768));
        ModelHparams.RopeScaling r = read(md).ropeScaling();
        assertThat(r.type()).isEqualTo(ModelHparams.RopeScalingType.YARN);
        assertThat(r.factor()).isEqualTo(4f);
        assertThat(r.originalContextLength()).isEqualTo(32768);
        assertThat(r.lowFreqFactor()).isEmpty();

        Map<String, GgufValue> linear = base();
        linear.put("qwen2.rope.scale_linear", GgufValue.ofFloat32(2f)); // the old key name
        assertThat(read(linear).ropeScaling().type()).isEqualTo(ModelHparams.RopeScalingType.LINEAR);

        Map<String, GgufValue> llama3 = base();
        llama3.put("qwen2.rope.scaling.low_freq_factor", GgufValue.ofFloat32(1f));
        llama3.put("qwen2.rope.scaling.high_freq_factor", GgufValue.ofFloat32(4f));
        ModelHparams.RopeScaling l3 = read(llama3, "rope_freqs.weight").ropeScaling();
        assertThat(l3.type()).isEqualTo(ModelHparams.RopeScalingType.LLAMA3);
        assertThat(l3.freqFactorsTensor()).isTrue();
        assertThat(l3.lowFreqFactor()).hasValue(1.0);
        assertThat(l3.highFreqFactor()).hasValue(4.0);

        Map<String, GgufValue> bad = base();
        bad.put("qwen2.rope.scaling.type", GgufValue.ofString("dynamic-ntk"));
        assertThatThrownBy(() -> read(bad)).hasMessageContaining("qwen2.rope.scaling.type")
                .hasMessageContaining("dynamic-ntk");
    }
}
