package dev.llmstream.frontend.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.gguf.GgufArray;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufMetadata;
import dev.llmstream.gguf.GgufValue;
import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GgufChatTemplatesTest {

    @Test
    void phi3ModelTokensAndTemplate() throws IOException {
        try (GgufFile file = GgufFile.open(SharedAssets.model("random/rand-llama-phi3vocab-20M-Q8_0.gguf"))) {
            ChatTemplate template = GgufChatTemplates.load(file.metadata());
            assertThat(template.tokens()).isEqualTo(new TemplateTokens("<s>", "<|endoftext|>", true, false));
            assertThat(template.source()).startsWith("{{ bos_token }}{% for message in messages %}");
            assertThat(template.capabilities().supportsSystemRole()).isFalse();
        }
    }

    @Test
    void addBosDefaultsFollowTheTokenizerType() {
        assertThat(GgufChatTemplates.tokens(metadata("llama", null, null)).addBos()).isTrue();
        assertThat(GgufChatTemplates.tokens(metadata("bert", null, null)).addBos()).isTrue();
        assertThat(GgufChatTemplates.tokens(metadata("gpt2", "qwen2", null)).addBos()).isFalse();
        assertThat(GgufChatTemplates.tokens(metadata("gpt2", "llama-bpe", null)).addBos()).isTrue();
        assertThat(GgufChatTemplates.tokens(metadata("t5", null, null))).satisfies(t -> {
            assertThat(t.addBos()).isFalse();
            assertThat(t.addEos()).isTrue();
        });
        assertThat(GgufChatTemplates.tokens(metadata("llama", null, false)).addBos()).isFalse();
        assertThat(GgufChatTemplates.tokens(metadata("gpt2", "qwen2", true)).addBos()).isTrue();
    }

    @Test
    void tokenTextsAndMissingIds() {
        Map<String, GgufValue> kv = base("llama");
        kv.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(1));
        kv.put("tokenizer.ggml.eos_token_id", GgufValue.ofUint32(0xFFFF_FFFFL)); // "no token" marker
        TemplateTokens tokens = GgufChatTemplates.tokens(new GgufMetadata(kv));
        assertThat(tokens.bos()).isEqualTo("<s>");
        assertThat(tokens.eos()).isEmpty();
        assertThat(GgufChatTemplates.tokens(new GgufMetadata(Map.of())))
                .isEqualTo(new TemplateTokens("", "", false, false));
    }

    @Test
    void tokensMustBeAStringArray() {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofInts(1, 2)));
        kv.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(1));
        assertThatThrownBy(() -> GgufChatTemplates.tokens(new GgufMetadata(kv)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("tokenizer.ggml.tokens");
    }

    @Test
    void templateSelection() {
        Map<String, GgufValue> kv = base("gpt2");
        assertThat(GgufChatTemplates.load(new GgufMetadata(kv)).source()).isEqualTo(ChatTemplate.CHATML);
        kv.put("tokenizer.chat_template", GgufValue.ofString("chatml"));
        assertThat(GgufChatTemplates.load(new GgufMetadata(kv)).source()).isEqualTo(ChatTemplate.CHATML);
        kv.put("tokenizer.chat_template", GgufValue.ofString("{{ 'default' }}"));
        kv.put("tokenizer.chat_template.tool_use", GgufValue.ofString("{{ 'tools' }}"));
        GgufMetadata md = new GgufMetadata(kv);
        assertThat(GgufChatTemplates.load(md).render(List.of(), false)).isEqualTo("default");
        assertThat(GgufChatTemplates.load(md, "tool_use").render(List.of(), false)).isEqualTo("tools");
        assertThat(GgufChatTemplates.load(md, "rag").render(List.of(), false)).isEqualTo("default");
    }

    private static Map<String, GgufValue> base(String model) {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", GgufValue.ofString(model));
        kv.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings("<unk>", "<s>", "</s>")));
        return kv;
    }

    private static GgufMetadata metadata(String model, String pre, Boolean addBos) {
        Map<String, GgufValue> kv = base(model);
        if (pre != null) {
            kv.put("tokenizer.ggml.pre", GgufValue.ofString(pre));
        }
        if (addBos != null) {
            kv.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(addBos));
        }
        return new GgufMetadata(kv);
    }
}
