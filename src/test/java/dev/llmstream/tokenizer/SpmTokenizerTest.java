package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** SPM specifics: cutting fragments at word starts changes nothing; merges follow scores. */
class SpmTokenizerTest {

    @Test
    void cuttingAtWordStartsGivesWhatMergingTheWholeTextGives() {
        for (String model : new String[] {"vocab/ggml-vocab-llama-spm.gguf", "stories260K.gguf"}) {
            Tokenizer t = TestTokenizers.model(model);
            Random random = new Random(5);
            for (int round = 0; round < 200; round++) {
                String text = RoundTripTest.randomText(random, true);
                if (text.isEmpty()) {
                    continue; // no fragment at all, hence no space prefix either
                }
                IntList whole = new IntList(16);
                new SpmEncoder(t.vocabulary()).encode((" " + text).replace(' ', '\u2581'), whole);
                assertThat(t.encode(text, false, false)).as(text).containsExactly(whole.toArray());
            }
        }
    }

    @Test
    void higherScoredMergeWinsAndTiesGoLeft() {
        // "abc": "ab" (-1) and "bc" (-2): ab first, then "abc" is not a token -> [ab, c]
        SyntheticVocab v = SyntheticVocab.spm().normal("a", -5).normal("b", -5).normal("c", -5)
                .normal("ab", -1).normal("bc", -2).normal("▁", -3)
                .key("tokenizer.ggml.add_space_prefix", dev.llmstream.gguf.GgufValue.ofBool(false));
        Tokenizer t = v.build();
        assertThat(t.encode("abc", false, false)).containsExactly(v.idOf("ab"), v.idOf("c"));
        // "bcab": bc (-2) vs ab (-1) -> ab merges first at the right, then bc: [bc, ab]
        assertThat(t.encode("bcab", false, false)).containsExactly(v.idOf("bc"), v.idOf("ab"));
        // equal scores: leftmost pair first. "aaa" with "aa" -> [aa, a]
        SyntheticVocab w = SyntheticVocab.spm().normal("a", -5).normal("aa", -1)
                .key("tokenizer.ggml.add_space_prefix", dev.llmstream.gguf.GgufValue.ofBool(false));
        assertThat(w.build().encode("aaa", false, false)).containsExactly(w.idOf("aa"), w.idOf("a"));
    }

    @Test
    void charactersWithoutATokenFallBackToBytes() {
        SyntheticVocab v = SyntheticVocab.spm().normal("▁", -1);
        Tokenizer t = v.build();
        // "é" = C3 A9 -> <0xC3> <0xA9> = ids 3 + 0xC3, 3 + 0xA9
        assertThat(t.encode("é", false, false)).containsExactly(v.idOf("▁"), 3 + 0xC3, 3 + 0xA9);
        assertThat(t.decode(t.encode("é", false, false), true)).isEqualTo("é");
    }
}
