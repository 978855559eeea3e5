package dev.llmstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.testing.SharedAssets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llmstream model template} through {@link Main#run}. */
class ModelTemplateCommandTest {
    @TempDir
    Path tmp;

    private record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void printsTheGoldenPromptForEachChatCase() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(SharedAssets.golden("rand-llama-phi3vocab-20M-Q8_0.json").toFile());
        String model = SharedAssets.model("random/rand-llama-phi3vocab-20M-Q8_0.gguf").toString();
        for (JsonNode c : golden.path("chat_cases")) {
            Path messages = Files.writeString(tmp.resolve("m.json"), c.path("messages").toString());
            Result r = run("model", "template", "--model", model, "--messages", messages.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(c.path("rendered_prompt").asText());
        }
    }

    @Test
    void contentPartsNoGenerationPromptAndVariables() throws IOException {
        String model = SharedAssets.file("models/vocab/constructed/qwen3-vocab.gguf").toString();
        Path messages = Files.writeString(tmp.resolve("m.json"),
                "[{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Hi\"}, {\"type\": \"text\", \"text\": \"there\"}]}]");
        Result r = run("model", "template", "--model", model, "--messages", messages.toString(), "--no-generation-prompt");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("<|im_start|>user\nHi\nthere<|im_end|>\n");
        Result thinkingOff = run("model", "template", "--model", model, "--messages", messages.toString(),
                "--var", "enable_thinking=false");
        assertThat(thinkingOff.out()).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void toolsFromAFile() throws IOException {
        String model = SharedAssets.file("models/vocab/constructed/qwen3-vocab.gguf").toString();
        Path messages = Files.writeString(tmp.resolve("m.json"), "[{\"role\": \"user\", \"content\": \"Weather?\"}]");
        Path tools = Files.writeString(tmp.resolve("t.json"),
                "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {}}}]");
        Result r = run("model", "template", "--model", model, "--messages", messages.toString(), "--tools", tools.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {}}}\n</tools>");
    }

    @Test
    void errorsAreOneLineWithExitCodeOne() throws IOException {
        String model = SharedAssets.model("random/rand-llama-phi3vocab-20M-Q8_0.gguf").toString();
        Path bad = Files.writeString(tmp.resolve("bad.json"), "[{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]");
        Result r = run("model", "template", "--model", model, "--messages", bad.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: messages[0].content[0]: unsupported content part type 'image_url'")
                .doesNotContain("\tat ");
        Result missing = run("model", "template", "--model", model, "--messages", tmp.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: cannot read");
        Path good = Files.writeString(tmp.resolve("good.json"), "[{\"role\": \"user\", \"content\": \"hi\"}]");
        Result badVar = run("model", "template", "--model", model, "--messages", good.toString(), "--var", "x=not json");
        assertThat(badVar.exitCode()).isEqualTo(1);
        assertThat(badVar.err()).contains("--var x: value is not JSON");
        assertThat(run("model", "template").exitCode()).isEqualTo(2); // picocli usage error
    }
}
