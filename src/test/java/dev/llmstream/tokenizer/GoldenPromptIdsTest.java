package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The prompt ids llama-server's {@code /tokenize} gave (add_special, parse_special) for every golden
 * prompt and rendered chat prompt: BOS from the model's defaults, Phi-3's chat tokens parsed and
 * the newline after each swallowed (RSTRIP), the SPM space prefix after each special token.
 */
class GoldenPromptIdsTest {

    static java.util.stream.Stream<GoldenFiles.Case> cases() {
        return GoldenFiles.cases();
    }

    @Test
    void goldenFilesHavePromptsAndChats() {
        // 5 files x 4 prompts + 3 phi3-vocab files x 2 chats
        assertThat(cases().count()).isEqualTo(26);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void promptIdsMatchLlamaServer(GoldenFiles.Case c) {
        assertThat(c.tokenizer().encode(c.prompt(), true, true)).as(c.prompt()).containsExactly(c.promptIds());
    }
}
