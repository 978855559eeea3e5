package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgufValue;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Special tokens in input text: which are recognised when, and the whitespace they swallow. */
class SpecialTokenSplittingTest {
    private final Tokenizer qwen = TestTokenizers.model("vocab/constructed/qwen3-vocab.gguf");
    private final Tokenizer phi3 = TestTokenizers.model("vocab/ggml-vocab-phi-3.gguf");

    @Test
    void controlTokensAreParsedOnlyWithParseSpecial() {
        String text = "<|im_start|>user\nHi<|im_end|>";
        int[] parsed = qwen.encode(text, false, true);
        assertThat(parsed[0]).isEqualTo(151644);
        assertThat(parsed[parsed.length - 1]).isEqualTo(151645);

        int[] spelled = qwen.encode(text, false, false);
        assertThat(spelled).doesNotContain(151644, 151645);
        assertThat(qwen.decode(spelled, true)).isEqualTo(text);
        assertThat(qwen.decode(parsed, true)).isEqualTo("user\nHi"); // control tokens hidden
        assertThat(qwen.decode(parsed, false)).isEqualTo(text);
    }

    @Test
    void userDefinedTokensAreMatchedEvenWithoutParseSpecial() {
        int[] ids = qwen.encode("<think>x</think>", false, false);
        assertThat(ids[0]).isEqualTo(151667);
        assertThat(ids[ids.length - 1]).isEqualTo(151668);
        assertThat(qwen.isSpecial(151667)).isFalse();
    }

    @Test
    void phi3ChatTokensSwallowTheNewlineAfterThem() {
        assertThat(phi3.encode("<|end|>\n<|assistant|>\n", false, true)).containsExactly(32007, 32001);
        // <|endoftext|> is excepted from the strip rule: the newline stays (byte token <0x0A> = 13)
        assertThat(phi3.encode("<|endoftext|>\nA", false, true)).startsWith(32000).contains(13);
    }

    @Test
    void spmTextAfterASpecialTokenGetsTheSpacePrefix() {
        int[] ids = phi3.encode("<|user|>Hi", false, true);
        assertThat(ids).containsExactly(32010, phi3.tokenId("▁Hi").orElseThrow());
    }

    @Test
    void lstripTokenSwallowsTheWhitespaceBeforeIt() {
        SyntheticVocab v = SyntheticVocab.spm().normal("▁a", -1).token("<mask>", 0, 3)
                .key("tokenizer.ggml.pre", GgufValue.ofString("jina-v2-de")); // llama.cpp's LSTRIP rule
        Tokenizer t = v.build();
        int mask = v.idOf("<mask>");
        assertThat(t.encode("a \t <mask>", false, true)).containsExactly(v.idOf("▁a"), mask);
        assertThat(t.encode("a \t <mask>", false, false)).doesNotContain(mask);
    }

    @Test
    void emptyTextIsJustTheAddedSpecialTokens() {
        assertThat(phi3.encode("", false, true)).isEmpty();
        assertThat(phi3.encode("", true, true)).containsExactly(1);
        assertThat(qwen.encode("", true, true)).isEmpty();
    }

    @Test
    void longTextsSplitTheSameAsShortOnes() {
        // above 1024 chars candidates are pre-filtered by the character pairs present
        String left = "The quick brown fox. ".repeat(40);
        String right = " jumps over 12345 lazy dogs! ".repeat(40);
        int[] whole = qwen.encode(left + "<|im_start|>" + right + "<|fim_pad|>", false, true);
        int[] parts = IntStream.concat(IntStream.concat(Arrays.stream(qwen.encode(left, false, false)),
                        IntStream.of(151644)),
                IntStream.concat(Arrays.stream(qwen.encode(right, false, false)), IntStream.of(151662))).toArray();
        assertThat(whole).containsExactly(parts);
    }

    @Test
    void loneSurrogatesAreReadAsReplacementCharacters() {
        assertThat(qwen.encode("a\uD800b", false, false)).containsExactly(qwen.encode("a\uFFFDb", false, false));
    }
}
