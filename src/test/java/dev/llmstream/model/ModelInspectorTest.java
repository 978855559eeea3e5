package dev.llmstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.gguf.GgufArray;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufValue;
import dev.llmstream.gguf.GgufWriter;
import dev.llmstream.testing.SharedAssets;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInspectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void stories260kWithItsBadSpecialIds() throws IOException {
        ModelReport r = ModelInspector.inspect(SharedAssets.model("stories260K.gguf"));
        assertThat(r.architecture()).isEqualTo("llama");
        assertThat(r.ggufVersion()).isEqualTo(3);
        assertThat(r.alignment()).isEqualTo(32);
        assertThat(r.fileSize()).isEqualTo(1_185_376);
        assertThat(r.parameterCount()).isEqualTo(292_800);
        assertThat(r.tensorTypes()).isEqualTo(Map.of("F32", 48));
        assertThat(r.shape().nLayer()).isEqualTo(5);
        assertThat(r.shape().tiedEmbeddings()).isFalse();
        assertThat(r.shapeError()).isNull();
        ModelReport.Tokenizer t = r.tokenizer();
        assertThat(t.model()).isEqualTo("llama");
        assertThat(t.pre()).isNull();
        assertThat(t.vocabSize()).isEqualTo(512);
        assertThat(t.special().get("bos")).isEqualTo(new ModelReport.SpecialToken(1, "<s>", true));
        assertThat(t.special().get("eos")).isEqualTo(new ModelReport.SpecialToken(2, "</s>", true));
        assertThat(t.special().get("unk")).isEqualTo(new ModelReport.SpecialToken(0, "<unk>", true));
        assertThat(t.special().get("pad")).isEqualTo(new ModelReport.SpecialToken(0xFFFF_FFFFL, null, false));
        assertThat(t.chatTemplate().present()).isFalse();

        String text = ModelReportText.render(r);
        assertThat(text).contains("pad                 4294967295 (not a token id)")
                .contains("tensors             48 (48 x F32)")
                .contains("parameters          292,800 (292.8K)");
        for (String line : text.split("\n")) {
            assertThat(line.charAt(20)).as(line).isNotEqualTo(' '); // values start in one column
        }
    }

    @Test
    void phi3VocabModelHasTemplateAndQuantTypes() throws IOException {
        ModelReport r = ModelInspector.inspect(SharedAssets.model("random/rand-llama-phi3vocab-20M-Q4_0.gguf"));
        assertThat(r.tensorTypes()).isEqualTo(Map.of("Q4_0", 29, "Q6_K", 1, "F32", 9));
        assertThat(r.fileType()).isEqualTo(2L);
        assertThat(r.fileTypeName()).isEqualTo("MOSTLY_Q4_0");
        assertThat(r.tokenizer().special().get("eos")).isEqualTo(new ModelReport.SpecialToken(32000, "<|endoftext|>", true));
        assertThat(r.tokenizer().chatTemplate().present()).isTrue();
        assertThat(r.tokenizer().chatTemplate().length()).isGreaterThan(100);
        assertThat(r.tokenizer().addBos()).isTrue();
    }

    @Test
    void synthesizedTinyModelAsStableJson() throws IOException {
        Path p = tmp.resolve("tiny.gguf");
        ModelSynthesizer.synthesize(SynthOptions.of(ShapeCatalog.get("tiny"), WeightType.Q4_0, 3), p, Progress.Mode.SILENT);
        JsonNode j = JSON.readTree(ModelInspector.inspect(p).toJson());
        assertThat(keys(j)).containsExactly("file", "file_size", "gguf_version", "alignment", "data_offset",
                "metadata_count", "architecture", "name", "file_type", "file_type_name", "parameter_count",
                "tensor_count", "tensor_types", "shape", "shape_error", "tokenizer");
        assertThat(keys(j.get("shape"))).containsExactly("n_embd", "n_layer", "n_head", "n_head_kv", "head_dim",
                "value_head_dim", "n_ff", "n_vocab", "context_length", "rope_freq_base", "rope_dimension_count",
                "rope_scaling", "rms_eps", "tied_embeddings", "qkv_bias", "qk_norm");
        assertThat(keys(j.get("shape").get("rope_scaling"))).containsExactly("type", "factor",
                "original_context_length", "low_freq_factor", "high_freq_factor", "freq_factors_tensor");
        assertThat(keys(j.get("tokenizer"))).containsExactly("model", "pre", "vocab_size", "add_bos", "add_eos",
                "special", "chat_template");
        assertThat(keys(j.get("tokenizer").get("special"))).containsExactly("bos", "eos", "unk", "pad");

        assertThat(j.get("file").asText()).isEqualTo(p.toAbsolutePath().toString());
        assertThat(j.get("file_size").asLong()).isEqualTo(Files.size(p));
        assertThat(j.get("architecture").asText()).isEqualTo("llama");
        assertThat(j.get("file_type_name").asText()).isEqualTo("MOSTLY_Q4_0");
        assertThat(j.get("parameter_count").asLong()).isEqualTo(5_245_184L);
        assertThat(j.get("tensor_types").get("Q4_0").asInt()).isEqualTo(29);
        assertThat(j.get("tensor_types").get("F32").asInt()).isEqualTo(9);
        assertThat(j.get("shape").get("n_embd").asInt()).isEqualTo(256);
        assertThat(j.get("shape").get("tied_embeddings").asBoolean()).isTrue();
        assertThat(j.get("shape").get("rope_scaling").get("type").asText()).isEqualTo("NONE");
        assertThat(j.get("shape").get("rope_scaling").get("low_freq_factor").isNull()).isTrue();
        assertThat(j.get("shape_error").isNull()).isTrue();
        JsonNode eos = j.get("tokenizer").get("special").get("eos");
        assertThat(eos.get("id").asInt()).isEqualTo(4);
        assertThat(eos.get("text").asText()).isEqualTo("<|im_end|>");
        assertThat(j.get("tokenizer").get("chat_template").get("present").asBoolean()).isTrue();
        assertThat(j.get("tokenizer").get("pre").isNull()).isTrue();
    }

    @Test
    void fileWithoutShapeOrTokenizerIsStillReported() throws IOException {
        Path p = tmp.resolve("partial.gguf");
        new GgufWriter().put("general.architecture", GgufValue.ofString("llama"))
                .put("tokenizer.ggml.model", GgufValue.ofString("llama"))
                .put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings("a", "b")))
                .put("tokenizer.ggml.bos_token_id", GgufValue.ofInt32(-1))
                .write(p);
        ModelReport r = ModelInspector.inspect(p);
        assertThat(r.shape()).isNull();
        assertThat(r.shapeError()).contains("llama.embedding_length");
        assertThat(r.tokenizer().vocabSize()).isEqualTo(2);
        assertThat(r.tokenizer().special().get("bos")).isEqualTo(new ModelReport.SpecialToken(-1, null, false));
        assertThat(r.tokenizer().special().get("eos")).isNull();
        assertThat(ModelReportText.render(r)).contains("shape").contains("eos").contains("-");

        Path bare = tmp.resolve("bare.gguf");
        new GgufWriter().write(bare);
        ModelReport b = ModelInspector.inspect(bare);
        assertThat(b.tokenizer()).isNull();
        assertThat(b.architecture()).isNull();
        assertThat(b.shapeError()).contains("general.architecture");
        assertThat(JSON.readTree(b.toJson()).get("tokenizer").isNull()).isTrue();
    }

    @Test
    void notAGgufFileIsAFormatError() throws IOException {
        Path p = tmp.resolve("x.gguf");
        Files.writeString(p, "hello, not a model");
        assertThatThrownBy(() -> ModelInspector.inspect(p)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("magic");
    }
}
