package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of llama.cpp's tokenizer test vectors ({@code models/vocab/*.gguf.inp/.out}, what
 * {@code test-tokenizer-0} checks) for every vocabulary present, plus the constructed Qwen3 and
 * Llama-3 vocabularies against the qwen2 and llama-bpe vectors. Strings are tokenized without
 * BOS/EOS and without special-token parsing.
 */
class VocabTestVectorsTest {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    /** A vocabulary file and the base name of its vectors ({@code <base>.inp}, {@code <base>.out}). */
    record Case(String name, Path gguf, Path vectors) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException {
        Path vocab = SharedAssets.file("models/vocab");
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(vocab)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".gguf.inp"))
                    .sorted()
                    .forEach(n -> {
                        String gguf = n.substring(0, n.length() - ".inp".length());
                        if (Files.exists(vocab.resolve(gguf))) {
                            cases.add(new Case(gguf, vocab.resolve(gguf), vocab.resolve(gguf)));
                        }
                    });
        }
        cases.add(new Case("constructed/qwen3-vocab.gguf vs qwen2 vectors",
                vocab.resolve("constructed/qwen3-vocab.gguf"), vocab.resolve("ggml-vocab-qwen2.gguf")));
        cases.add(new Case("constructed/llama3-vocab.gguf vs llama-bpe vectors",
                vocab.resolve("constructed/llama3-vocab.gguf"), vocab.resolve("ggml-vocab-llama-bpe.gguf")));
        return cases.stream();
    }

    @Test
    void everyVocabularyWithVectorsIsCovered() throws IOException {
        // the 10 real vocabularies with vectors (all but baichuan and gpt-neox) plus the 2 constructed
        assertThat(cases().count()).isEqualTo(12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void allCasesMatchLlamaCpp(Case c) throws IOException {
        Path gguf = SharedAssets.file(SharedAssets.root().relativize(c.gguf()).toString());
        Tokenizer tokenizer = TestTokenizers.load(gguf);
        List<String> inputs = readInputs(Path.of(c.vectors() + ".inp"));
        List<int[]> expected = readOutputs(Path.of(c.vectors() + ".out"));
        assertThat(inputs).as("number of inputs vs outputs").hasSameSizeAs(expected);

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int[] actual = tokenizer.encode(inputs.get(i), false, false);
            if (!Arrays.equals(actual, expected.get(i))) {
                failures.add("case " + i + " " + quote(inputs.get(i))
                        + "\n   expected " + Arrays.toString(expected.get(i))
                        + "\n   actual   " + Arrays.toString(actual));
            }
        }
        int passed = inputs.size() - failures.size();
        System.out.printf("%s: %d/%d cases passed%n", c.name(), passed, inputs.size());
        if (!failures.isEmpty()) {
            fail(c.name() + ": " + failures.size() + " of " + inputs.size() + " cases differ:\n"
                    + String.join("\n", failures));
        }
    }

    /** Splits like test-tokenizer-0: on the separator; a trailing separator ends the last case. */
    static List<String> readInputs(Path inp) throws IOException {
        String raw = Files.readString(inp, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(SEPARATOR, pos);
            if (next < 0) {
                out.add(raw.substring(pos));
                break;
            }
            out.add(raw.substring(pos, next));
            pos = next + SEPARATOR.length();
        }
        return out;
    }

    /** One line per case: space-separated ids (an empty line for an empty case). */
    static List<int[]> readOutputs(Path out) throws IOException {
        List<int[]> result = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            String s = line.strip();
            result.add(s.isEmpty() ? new int[0] : Arrays.stream(s.split(" ")).mapToInt(Integer::parseInt).toArray());
        }
        return result;
    }

    private static String quote(String s) {
        return '"' + s.replace("\n", "\\n").replace("\t", "\\t") + '"';
    }
}
