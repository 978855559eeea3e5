package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encodes 1 MiB of mixed text (prose, code, digits, CJK, emoji, odd whitespace) with each
 * algorithm and prints the time: a sanity measurement that the merges are not quadratic, not a
 * benchmark (shared CPU, short warm-up), so nothing asserts on it. What is asserted is that
 * repeated runs agree and the text survives the round trip.
 */
class EncodeThroughputTest {
    private static final int BYTES = 1 << 20;
    private static final String[] PIECES = {"the ", "tokenizer ", "streams ", "tokens", ", ", ". ", "\n", "\n\n",
        "    ",
        "return x + y;", "if (a < b) {", "}", "12345", "3.14159", "2026-08-22", "日本語の文章", "Привет, мир", "🦙🚀",
        "naïve café", "\t", "'s ", "don't ", "C++", "<div>", "ZXCV", "__init__", "λx.x", "—", "  "};

    static String mixedText() {
        Random random = new Random(42);
        StringBuilder sb = new StringBuilder(BYTES);
        int bytes = 0;
        while (bytes < BYTES) {
            String p = PIECES[random.nextInt(PIECES.length)];
            sb.append(p);
            bytes += p.getBytes(StandardCharsets.UTF_8).length;
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vocab/ggml-vocab-llama-spm.gguf", "vocab/constructed/llama3-vocab.gguf",
        "vocab/ggml-vocab-deepseek-llm.gguf", "vocab/ggml-vocab-bert-bge.gguf"})
    void encodesAMebibyteInWellUnderASecond(String model) {
        Tokenizer tokenizer = TestTokenizers.model(model);
        String text = mixedText();
        tokenizer.encode(text.substring(0, text.length() / 4), false, false); // JIT compilation, caches
        int[] ids = tokenizer.encode(text, false, false);
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 2; run++) {
            long start = System.nanoTime();
            int[] again = tokenizer.encode(text, false, false);
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
            assertThat(again).isEqualTo(ids);
        }
        System.out.printf("%s: 1 MiB mixed text -> %,d tokens, best of 2 runs: %.3f s (%.1f MiB/s)%n",
                model, ids.length, best, 1 / best);
        assertThat(ids.length).isGreaterThan(BYTES / 8);
        if (tokenizer.kind() != TokenizerKind.WPM) { // WordPiece lowercases: not reversible
            String back = tokenizer.decode(ids, true);
            if (tokenizer.vocabulary().options().cleanSpaces()) { // rewrites " ." and the like
                assertThat(back.length()).isGreaterThan(text.length() * 9 / 10);
            } else {
                assertThat(back).isEqualTo(text);
            }
        }
    }
}
