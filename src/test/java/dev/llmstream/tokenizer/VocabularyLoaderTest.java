package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.gguf.GgufArray;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufValue;
import org.junit.jupiter.api.Test;

/** Defaults, tolerated bad values and clear failures when reading tokenizer metadata. */
class VocabularyLoaderTest {

    @Test
    void stories260kHasBadSeparatorAndPaddingIdsThatAreTreatedAsAbsent() {
        Tokenizer t = TestTokenizers.model("stories260K.gguf");
        SpecialTokenIds ids = t.vocabulary().specialIds();
        assertThat(ids.sep()).isEqualTo(-1); // 0xFFFFFFFF in the file
        assertThat(ids.pad()).isEqualTo(-1); // 0xFFFFFFFF in the file
        assertThat(ids.bos()).isEqualTo(1);
        assertThat(t.addBos()).isTrue(); // no add_bos_token key: the SPM default
        assertThat(t.encode("Once upon a time", true, true)).containsExactly(1, 403, 407, 261, 378);
    }

    @Test
    void idsOutsideTheVocabularyKeepTheKindsDefault() {
        Tokenizer t = SyntheticVocab.spm().normal("▁a", -1)
                .uint32("tokenizer.ggml.bos_token_id", 0xFFFF_FFFFL)
                .uint32("tokenizer.ggml.eos_token_id", 1_000_000)
                .key("tokenizer.ggml.unknown_token_id", GgufValue.ofInt32(-1))
                .key("tokenizer.ggml.padding_token_id", GgufValue.ofString("0")) // wrong type: ignored
                .build();
        SpecialTokenIds ids = t.vocabulary().specialIds();
        assertThat(ids.bos()).isEqualTo(1);
        assertThat(ids.eos()).isEqualTo(2);
        assertThat(ids.unk()).isZero();
        assertThat(ids.pad()).isEqualTo(-1);
    }

    @Test
    void defaultsOutsideATinyVocabularyAreAbsentAndNothingIsAdded() {
        Tokenizer t = SyntheticVocab.of("llama").normal("▁a", 0).build(); // SPM defaults: BOS 1, EOS 2, UNK 0
        assertThat(t.bosId()).isEqualTo(-1);
        assertThat(t.eosId()).isEqualTo(-1);
        assertThat(t.vocabulary().specialIds().unk()).isZero();
        assertThat(t.addBos()).isFalse(); // asked for by default, but there is no BOS
        assertThat(t.encode("a", true, true)).containsExactly(0);
        assertThat(t.endOfGenerationIds()).isEmpty();
    }

    @Test
    void fileKeysOverrideTheAddFlags() {
        Tokenizer t = SyntheticVocab.spm().normal("▁a", -1)
                .key("tokenizer.ggml.add_bos_token", GgufValue.ofBool(false))
                .key("tokenizer.ggml.add_eos_token", GgufValue.ofBool(true))
                .build();
        int a = t.tokenId("▁a").orElseThrow();
        assertThat(t.encode("a", true, false)).containsExactly(a, 2);
    }

    @Test
    void emptyTokenTextsGetAPlaceholder() {
        Tokenizer t = SyntheticVocab.spm().normal("", 0).build();
        assertThat(t.tokenText(259)).isEqualTo("[EMPTY_259]");
    }

    @Test
    void endOfGenerationTokensAreFoundByTextAndBecomeControlTokens() {
        SyntheticVocab v = SyntheticVocab.spm().normal("<|im_end|>", 0).normal("<|eot_id|>", 0).normal("▁x", 0);
        Tokenizer t = v.build();
        int imEnd = v.idOf("<|im_end|>");
        int eot = v.idOf("<|eot_id|>");
        assertThat(t.endOfGenerationIds()).containsExactly(2, imEnd, eot);
        assertThat(t.vocabulary().specialIds().eot()).isEqualTo(imEnd); // the first match fills the role
        assertThat(t.isSpecial(imEnd)).isTrue(); // was a normal token in the file
        assertThat(t.encode("<|im_end|>", false, true)).containsExactly(imEnd);
    }

    @Test
    void explicitEotIdEndsGeneration() {
        SyntheticVocab v = SyntheticVocab.spm().token("<turn_end>", 0, 3);
        Tokenizer t = v.uint32("tokenizer.ggml.eot_token_id", v.idOf("<turn_end>")).build();
        assertThat(t.isEndOfGeneration(v.idOf("<turn_end>"))).isTrue();
        assertThat(t.isEndOfGeneration(1)).isFalse();
    }

    @Test
    void harmonyStyleVocabularyDoesNotEndOnEnd() {
        SyntheticVocab v = SyntheticVocab.spm().token("<|return|>", 0, 3).token("<|call|>", 0, 3).token("<|end|>", 0, 3)
                .token("<|channel|>", 0, 3);
        Tokenizer t = v.build();
        assertThat(t.isEndOfGeneration(v.idOf("<|return|>"))).isTrue();
        assertThat(t.isEndOfGeneration(v.idOf("<|call|>"))).isTrue();
        assertThat(t.isEndOfGeneration(v.idOf("<|end|>"))).isFalse();
        assertThat(t.isSpecial(v.idOf("<|end|>"))).isFalse(); // rendered as text
        assertThat(t.isSpecial(v.idOf("<|channel|>"))).isFalse(); // always rendered
    }

    @Test
    void phi3EndsOnEndAndEndoftextAndEos() {
        Tokenizer t = TestTokenizers.model("vocab/ggml-vocab-phi-3.gguf");
        assertThat(t.eosId()).isEqualTo(32000);
        assertThat(t.tokenText(32007)).isEqualTo("<|end|>");
        assertThat(t.endOfGenerationIds()).containsExactly(2, 32000, 32007);
    }

    @Test
    void qwen3AndLlama3EndOfGeneration() {
        Tokenizer qwen = TestTokenizers.model("vocab/constructed/qwen3-vocab.gguf");
        assertThat(qwen.isEndOfGeneration(151645)).isTrue(); // <|im_end|>, the EOS
        assertThat(qwen.isEndOfGeneration(151643)).isTrue(); // <|endoftext|>
        assertThat(qwen.isEndOfGeneration(151644)).isFalse(); // <|im_start|>
        Tokenizer llama3 = TestTokenizers.model("vocab/constructed/llama3-vocab.gguf");
        assertThat(llama3.endOfGenerationIds()).containsExactly(128001, 128009); // <|end_of_text|>, <|eot_id|>
        assertThat(llama3.addBos()).isTrue(); // llama-bpe default and file key
        assertThat(qwen.addBos()).isFalse();
    }

    @Test
    void missingOrMalformedMetadataFailsClearly() {
        assertThatThrownBy(() -> Tokenizer.fromGguf(new dev.llmstream.gguf.GgufMetadata(java.util.Map.of())))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("tokenizer.ggml.model");
        assertThatThrownBy(() -> SyntheticVocab.of("llama").build())
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("tokenizer.ggml.tokens");
        assertThatThrownBy(() -> SyntheticVocab.spm().key("tokenizer.ggml.scores",
                        GgufValue.ofArray(GgufArray.ofFloats(1f, 2f))).build())
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("2 entries for 259 tokens");
        assertThatThrownBy(() -> SyntheticVocab.of("gpt2").normal("a", 0).build())
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("merges");
    }

    @Test
    void unsupportedModelsAndPreTokenizersAreNamed() {
        assertThatThrownBy(() -> SyntheticVocab.of("t5").normal("a", 0).build())
                .isInstanceOf(UnsupportedTokenizerException.class).hasMessageContaining("'t5'");
        assertThatThrownBy(() -> SyntheticVocab.of("gpt2").normal("a", 0).strings("tokenizer.ggml.merges")
                        .key("tokenizer.ggml.pre", GgufValue.ofString("qwen35")).build())
                .isInstanceOf(UnsupportedTokenizerException.class).hasMessageContaining("'qwen35'");
    }

    @Test
    void tokenAccessorsRejectIdsOutsideTheVocabulary() {
        Tokenizer t = TestTokenizers.model("stories260K.gguf");
        assertThatThrownBy(() -> t.tokenText(512)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id 512");
        assertThatThrownBy(() -> t.tokenBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.decode(new int[] {5, 600}, true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.isEndOfGeneration(-7)).isFalse();
        assertThat(t.isSpecial(100_000)).isFalse();
    }
}
