package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code decode(encode(x)) == x} on random text, for the vocabularies where llama.cpp round-trips:
 * SPM (byte fallback covers every character; the space prefix added by encoding is removed by
 * decoding) and byte-level BPE. Vocabularies with Hugging Face's space clean-up only round-trip
 * text without the patterns it rewrites ({@code " ."}, {@code " '"} ...), so their alphabet has
 * no {@code . , ! ? '}.
 */
class RoundTripTest {
    private static final String WORDS = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789  \n\t-_=+*/\\()[]{}<>#@$%^&|~`\";:";
    private static final String CLEANED = ".,!?'";
    private static final String[] EXOTIC = {"é", "Ü", "ß", "ñ", "日本", "語", "д", "Ж", "ق", "ष", "🦙", "🚀", "😶‍🌫️",
        "\u00A0", "\u3000", "\u2028", "½", "Ⅻ", "\r\n", "   ", "’", "—", "ǅ", "\u0301", "က", "ก", "ὒ"};

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "vocab/ggml-vocab-llama-spm.gguf, true",
        "vocab/ggml-vocab-phi-3.gguf, true",
        "stories260K.gguf, true",
        "vocab/constructed/qwen3-vocab.gguf, true",
        "vocab/ggml-vocab-deepseek-coder.gguf, true",
        "vocab/ggml-vocab-deepseek-llm.gguf, true",
        "vocab/constructed/llama3-vocab.gguf, false",
        "vocab/ggml-vocab-gpt-2.gguf, false",
        "vocab/ggml-vocab-starcoder.gguf, false",
        "vocab/ggml-vocab-falcon.gguf, false",
    })
    void decodeOfEncodeIsIdentity(String model, boolean withCleanedCharacters) {
        Tokenizer tokenizer = TestTokenizers.model(model);
        Random random = new Random(model.hashCode());
        for (int round = 0; round < 300; round++) {
            String text = randomText(random, withCleanedCharacters);
            int[] ids = tokenizer.encode(text, false, false);
            assertThat(tokenizer.decode(ids, true)).as("round %d: %s", round, text).isEqualTo(text);
        }
    }

    static String randomText(Random random, boolean withCleanedCharacters) {
        String ascii = withCleanedCharacters ? WORDS + CLEANED : WORDS;
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(5) == 0) {
                sb.append(EXOTIC[random.nextInt(EXOTIC.length)]);
            } else {
                sb.append(ascii.charAt(random.nextInt(ascii.length())));
            }
        }
        return sb.toString();
    }
}
