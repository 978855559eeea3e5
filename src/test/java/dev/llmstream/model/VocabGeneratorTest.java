package dev.llmstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VocabGeneratorTest {
    private static final VocabGenerator.Vocab V = VocabGenerator.generate(49152);

    @Test
    void exactSizeAndFixedSpecialIds() {
        for (int n : new int[] {VocabGenerator.MIN_SIZE, 8192, 49152}) {
            assertThat(VocabGenerator.generate(n).size()).isEqualTo(n);
        }
        assertThat(V.tokens().subList(0, 5)).containsExactly("<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>");
        assertThat(V.types()[0]).isEqualTo(VocabGenerator.TYPE_UNKNOWN);
        for (int i = 1; i < 5; i++) {
            assertThat(V.types()[i]).isEqualTo(VocabGenerator.TYPE_CONTROL);
        }
        for (int b = 0; b < 256; b++) {
            assertThat(V.tokens().get(VocabGenerator.FIRST_BYTE_ID + b)).isEqualTo(String.format("<0x%02X>", b));
            assertThat(V.types()[VocabGenerator.FIRST_BYTE_ID + b]).isEqualTo(VocabGenerator.TYPE_BYTE);
        }
        assertThatThrownBy(() -> VocabGenerator.generate(VocabGenerator.MIN_SIZE - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least " + VocabGenerator.MIN_SIZE);
    }

    @Test
    void tokensAreUniqueAndNormalOnesArePrefixClosed() {
        assertThat(new HashSet<>(V.tokens())).hasSize(V.size());
        java.util.Set<String> s = new HashSet<>(V.tokens());
        for (int i = 0; i < V.size(); i++) {
            if (V.types()[i] != VocabGenerator.TYPE_NORMAL) {
                continue;
            }
            String t = V.tokens().get(i);
            assertThat(t).isNotEmpty();
            assertThat(t.indexOf(VocabGenerator.SPACE, 1)).as("'%s' has ▁ inside", t).isEqualTo(-1);
            if (t.length() > 1) {
                assertThat(s.contains(t.substring(0, t.length() - 1))).as("prefix of '%s'", t).isTrue();
            }
        }
    }

    @Test
    void onlyNormalTokensHaveScoresAndTheyStrictlyDecrease() {
        float last = Float.POSITIVE_INFINITY;
        int normal = 0;
        for (int i = 0; i < V.size(); i++) {
            if (V.types()[i] == VocabGenerator.TYPE_NORMAL) {
                assertThat(V.scores()[i]).as("score of %d", i).isLessThan(last);
                last = V.scores()[i];
                normal++;
            } else {
                assertThat(V.scores()[i]).isZero();
            }
        }
        assertThat(normal).isEqualTo(V.size() - 5 - 256);
    }

    @Test
    void deterministicAndSmallerVocabulariesArePrefixesOfLargerOnes() {
        assertThat(VocabGenerator.generate(49152).tokens()).isEqualTo(V.tokens());
        assertThat(V.tokens().subList(0, 8192)).isEqualTo(VocabGenerator.generate(8192).tokens());
    }

    @Test
    void containsReadableWordsAndTheirCapitalizedForms() {
        long words = V.tokens().stream().filter(t -> t.startsWith(VocabGenerator.SPACE) && t.length() >= 4
                && t.substring(1).chars().allMatch(Character::isLetter)).count();
        long capitalized = V.tokens().stream().filter(t -> t.startsWith(VocabGenerator.SPACE) && t.length() >= 4
                && Character.isUpperCase(t.charAt(1))).count();
        assertThat(words).isGreaterThan(30_000);
        assertThat(capitalized).isGreaterThan(2_000);
    }

    // --- llama.cpp's SPM algorithm (llm_tokenizer_spm_session), simulated to check reachability ---

    /** Bigram merging over a vocabulary, as llama.cpp's SPM tokenizer does it (without BOS). */
    private record Spm(VocabGenerator.Vocab v, Map<String, Integer> ids) {
        Spm(VocabGenerator.Vocab v) {
            this(v, new HashMap<>());
            for (int i = 0; i < v.size(); i++) {
                ids.put(v.tokens().get(i), i);
            }
        }

        /** Merge the best-scoring adjacent pair whose concatenation is a token (leftmost on ties) until none is left. */
        List<Integer> encode(String text) {
            List<Integer> out = new ArrayList<>();
            if (text.isEmpty()) {
                return out;
            }
            String escaped = VocabGenerator.SPACE + text.replace(" ", VocabGenerator.SPACE);
            List<String> sym = new ArrayList<>();
            escaped.codePoints().forEach(c -> sym.add(new String(Character.toChars(c))));
            while (true) {
                int best = -1;
                float bestScore = Float.NEGATIVE_INFINITY;
                for (int i = 0; i + 1 < sym.size(); i++) {
                    Integer id = ids.get(sym.get(i) + sym.get(i + 1));
                    if (id != null && v.scores()[id] > bestScore) {
                        best = i;
                        bestScore = v.scores()[id];
                    }
                }
                if (best < 0) {
                    break;
                }
                sym.set(best, sym.get(best) + sym.remove(best + 1));
            }
            for (String s : sym) {
                Integer id = ids.get(s);
                if (id != null) {
                    out.add(id);
                } else {
                    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                        out.add(VocabGenerator.FIRST_BYTE_ID + (b & 0xFF));
                    }
                }
            }
            return out;
        }
    }

    private static final Spm SPM = new Spm(V);

    private static List<Integer> spmEncode(String text) {
        return SPM.encode(text);
    }

    /** llama.cpp's own tokenizer on the 8192-token vocabulary agrees with the simulation (see the resource README). */
    @Test
    void llamaCppTokenizesTheGeneratedVocabularyAsSimulated() throws IOException {
        String inp;
        String out;
        try (InputStream a = getClass().getResourceAsStream("generated-vocab-8192.inp");
                InputStream b = getClass().getResourceAsStream("generated-vocab-8192.out")) {
            assertThat(a).isNotNull();
            assertThat(b).isNotNull();
            inp = new String(a.readAllBytes(), StandardCharsets.UTF_8);
            out = new String(b.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] cases = inp.split("\n__ggml_vocab_test__\n", -1);
        String[] expected = out.split("\n", -1);
        assertThat(cases).hasSize(18);
        Spm spm = new Spm(VocabGenerator.generate(8192));
        for (int i = 0; i < cases.length; i++) {
            List<Integer> want = expected[i].isEmpty() ? List.of()
                    : java.util.Arrays.stream(expected[i].split(" ")).map(Integer::valueOf).toList();
            assertThat(spm.encode(cases[i])).as("case %d: '%s'", i, cases[i]).isEqualTo(want);
        }
    }

    @Test
    void everyWordIsReachedAsOneTokenBySpmMerges() {
        int checked = 0;
        for (int i = 0; i < V.size(); i += 37) {
            String t = V.tokens().get(i);
            if (V.types()[i] == VocabGenerator.TYPE_NORMAL && t.startsWith(VocabGenerator.SPACE) && t.length() > 1) {
                assertThat(spmEncode(t.substring(1))).as("'%s'", t).containsExactly(i);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    @Test
    void plainTextEncodesWithoutByteFallbackAndDecodesBack() {
        String text = "Hello, world! The kalo 42 times.";
        List<Integer> ids = spmEncode(text);
        assertThat(ids).allMatch(id -> V.types()[id] == VocabGenerator.TYPE_NORMAL);
        StringBuilder sb = new StringBuilder();
        ids.forEach(id -> sb.append(V.tokens().get(id)));
        assertThat(sb.toString().replace(VocabGenerator.SPACE, " ")).isEqualTo(" " + text);
        // a character outside the vocabulary falls back to its UTF-8 bytes
        assertThat(spmEncode("é")).endsWith(VocabGenerator.FIRST_BYTE_ID + 0xC3, VocabGenerator.FIRST_BYTE_ID + 0xA9);
    }
}
