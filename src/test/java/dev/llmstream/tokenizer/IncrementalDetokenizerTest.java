package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** UTF-8 safety, flushing, space and special-token rules of the streaming detokenizer (LLaMA SPM vocab). */
class IncrementalDetokenizerTest {
    private final Tokenizer llama = TestTokenizers.model("vocab/ggml-vocab-llama-spm.gguf");

    private int byteToken(int b) {
        return llama.tokenId(String.format("<0x%02X>", b)).orElseThrow();
    }

    private int token(String text) {
        return llama.tokenId(text).orElseThrow();
    }

    @Test
    void holdsBackACharacterSplitAcrossByteTokens() {
        IncrementalDetokenizer d = IncrementalDetokenizer.forContinuation(llama);
        assertThat(d.accept(byteToken(0xE6))).isEmpty();
        assertThat(d.hasPending()).isTrue();
        assertThat(d.accept(byteToken(0x97))).isEmpty();
        assertThat(d.accept(byteToken(0xA5))).isEqualTo("日");
        assertThat(d.hasPending()).isFalse();
        assertThat(d.finish()).isEmpty();
    }

    @Test
    void fourByteCharacterBetweenWordsInOneChunk() {
        IncrementalDetokenizer d = IncrementalDetokenizer.forContinuation(llama);
        int[] ids = {token("▁Hello"), byteToken(0xF0), byteToken(0x9F), byteToken(0xA6), byteToken(0x99),
            token("▁world")};
        assertThat(d.accept(ids, 0, 3)).isEqualTo(" Hello");
        assertThat(d.accept(ids, 3, 3)).isEqualTo("🦙 world");
    }

    @Test
    void finishFlushesAnIncompleteCharacterAsReplacement() {
        IncrementalDetokenizer d = IncrementalDetokenizer.forContinuation(llama);
        assertThat(d.accept(new int[] {token("▁a"), byteToken(0xF0), byteToken(0x9F)})).isEqualTo(" a");
        assertThat(d.finish()).isEqualTo("\uFFFD");
        assertThat(d.finish()).isEmpty();
    }

    @Test
    void invalidBytesAreReplacedWithoutWaiting() {
        IncrementalDetokenizer d = IncrementalDetokenizer.forContinuation(llama);
        assertThat(d.accept(byteToken(0x80))).isEqualTo("\uFFFD"); // can never start a character
        assertThat(d.accept(byteToken(0xE6))).isEmpty();
        assertThat(d.accept(token("▁a"))).isEqualTo("\uFFFD a"); // the lead byte is not continued
    }

    @Test
    void continuationKeepsTheLeadingSpaceAndStartOfTextDropsIt() {
        int[] ids = llama.encode("Hello world", false, false);
        assertThat(IncrementalDetokenizer.forContinuation(llama).accept(ids)).isEqualTo(" Hello world");
        assertThat(new IncrementalDetokenizer(llama, false, true).accept(ids)).isEqualTo("Hello world");
        assertThat(llama.decode(ids, true)).isEqualTo("Hello world");
    }

    @Test
    void controlTokensRenderOnlyWhenAskedFor() {
        int[] ids = {llama.bosId(), token("▁Hi"), llama.eosId()};
        assertThat(IncrementalDetokenizer.forContinuation(llama).accept(ids)).isEqualTo(" Hi");
        assertThat(new IncrementalDetokenizer(llama, true, false).accept(ids)).isEqualTo("<s> Hi</s>");
    }

    @Test
    void anyChunkingOfEncodedTextGivesTheTextBack() {
        String text = "Ünïcödé tèxt, 日本語, and emoji 🦙🚀 — done\n\ttabs";
        int[] ids = llama.encode(text, false, false);
        Random random = new Random(3);
        for (int round = 0; round < 50; round++) {
            IncrementalDetokenizer d = new IncrementalDetokenizer(llama, false, true);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < ids.length; ) {
                int n = Math.min(ids.length - i, random.nextInt(4));
                String delta = d.accept(ids, i, n);
                GoldenDetokenizeTest.assertWellFormed(delta);
                out.append(delta);
                i += n;
            }
            out.append(d.finish());
            assertThat(out.toString()).isEqualTo(text);
        }
    }

    @Test
    void idOutsideTheVocabularyIsRejected() {
        IncrementalDetokenizer d = IncrementalDetokenizer.forContinuation(llama);
        assertThatThrownBy(() -> d.accept(32000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32000").hasMessageContaining("[0, 32000)");
        assertThatThrownBy(() -> d.accept(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(d.accept(token("▁ok"))).isEqualTo(" ok");
    }
}
