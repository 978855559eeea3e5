package dev.llmstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.testing.SharedAssets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code llmstream model tokenize} through {@link Main#run} with redirected stdin/stdout/stderr. */
class ModelTokenizeCommandTest {
    private final InputStream stdin = System.in;
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void redirect() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setIn(stdin);
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private int run(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return Main.run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsTheIdsOfStdinAsAJsonArray() {
        String model = SharedAssets.model("stories260K.gguf").toString();
        assertThat(run("Once upon a time", "model", "tokenize", "--model", model, "--add-special", "--parse-special"))
                .isZero();
        assertThat(out()).isEqualTo("[1,403,407,261,378]" + System.lineSeparator());
    }

    @Test
    void withoutAddSpecialThereIsNoBos() {
        String model = SharedAssets.model("stories260K.gguf").toString();
        assertThat(run("Once upon a time", "model", "tokenize", "--model", model)).isZero();
        assertThat(out()).isEqualTo("[403,407,261,378]" + System.lineSeparator());
    }

    @Test
    void jsonlTokenizesEachLine() {
        String model = SharedAssets.model("vocab/ggml-vocab-phi-3.gguf").toString();
        String input = "\"<|user|>\"\n\"Hello world\"\n\"\"\n";
        assertThat(run(input, "model", "tokenize", "--model", model, "--jsonl", "--parse-special")).isZero();
        assertThat(out().lines()).containsExactly("[32010]", "[15043,3186]", "[]");
    }

    @Test
    void aLineThatIsNotAJsonStringIsAnInputError() {
        String model = SharedAssets.model("vocab/ggml-vocab-phi-3.gguf").toString();
        assertThat(run("\"ok\"\nnot json\n", "model", "tokenize", "--model", model, "--jsonl")).isEqualTo(2);
        assertThat(out().lines()).hasSize(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 2 is not a JSON string");
    }

    @Test
    void anUnreadableModelIsReported() {
        assertThat(run("x", "model", "tokenize", "--model", "/nonexistent/model.gguf")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("cannot load the tokenizer of /nonexistent/model.gguf");
    }

    @Test
    void modelHelpListsTheCommand() {
        assertThat(run("", "model", "--help")).isZero();
        assertThat(out()).contains("tokenize");
    }
}
