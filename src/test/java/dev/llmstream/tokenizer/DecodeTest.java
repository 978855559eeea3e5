package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** llama_detokenize rules: SPM space prefix, BOS/EOS removal, special rendering, space clean-up. */
class DecodeTest {
    private final Tokenizer llama = TestTokenizers.model("vocab/ggml-vocab-llama-spm.gguf");

    @Test
    void spmDropsTheSpacePrefixOfTheFirstTokenUnlessABosPrecedesIt() {
        int hello = llama.tokenId("▁Hello").orElseThrow();
        assertThat(llama.decode(new int[] {hello}, true)).isEqualTo("Hello");
        assertThat(llama.decode(new int[] {1, hello}, true)).isEqualTo(" Hello");
        assertThat(llama.decode(new int[] {1, hello, 2}, false)).isEqualTo("<s> Hello</s>");
        assertThat(llama.decode(new int[] {1, hello, 2}, true)).isEqualTo(" Hello");
    }

    @Test
    void byteTokensJoinIntoCharactersAndBrokenBytesBecomeReplacements() {
        int[] ids = llama.encode("日本", false, false);
        assertThat(llama.decode(ids, true)).isEqualTo("日本");
        int e6 = llama.tokenId("<0xE6>").orElseThrow();
        assertThat(llama.decode(new int[] {e6}, true)).isEqualTo("\uFFFD");
        assertThat(llama.tokenBytes(e6)).containsExactly(0xE6);
    }

    @Test
    void gpt2CleansUpSpacesBeforePunctuationAndContractions() {
        Tokenizer gpt2 = TestTokenizers.model("vocab/ggml-vocab-gpt-2.gguf");
        int[] ids = gpt2.encode("Hello , world ! It ' s we 're here 'till", false, false);
        assertThat(gpt2.decode(ids, true)).isEqualTo("Hello, world! It's we're here 'till");
    }

    @Test
    void qwenKeepsSpacesAsTheyAre() {
        Tokenizer qwen = TestTokenizers.model("vocab/constructed/qwen3-vocab.gguf");
        String text = "Hello , world ! It ' s";
        assertThat(qwen.decode(qwen.encode(text, false, false), true)).isEqualTo(text);
    }

    @Test
    void byteLevelTokensDecodeToTheirBytes() {
        Tokenizer qwen = TestTokenizers.model("vocab/constructed/qwen3-vocab.gguf");
        int[] ids = qwen.encode(" 🦙", false, false);
        StringBuilder hex = new StringBuilder();
        for (int id : ids) {
            for (byte b : qwen.tokenBytes(id)) {
                hex.append(String.format("%02X", b));
            }
        }
        assertThat(hex.toString()).isEqualTo("20F09FA699");
    }
}
