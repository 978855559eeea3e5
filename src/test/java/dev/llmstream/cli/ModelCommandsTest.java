package dev.llmstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.ModelHparams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llmstream model synth|inspect} through {@link Main#run}, with stdout/stderr captured. */
class ModelCommandsTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void synthThenInspectAsJsonAndText() throws IOException {
        Path file = tmp.resolve("m.gguf");
        Run synth = run("model", "synth", "--shape", "tiny", "--quant", "Q4_0", "--seed", "9", "--n-layer", "2",
                "--untied", "--ctx", "512", "--rope-theta", "50000", "--name", "cli-test", "--threads", "2", "-o",
                file.toString());
        assertThat(synth.code()).as(synth.err()).isZero();
        assertThat(synth.out()).startsWith("wrote " + file.toAbsolutePath() + ": tiny-custom (llama) Q4_0")
                .contains(" tensors, ");
        assertThat(synth.err()).contains("synth tiny-custom Q4_0: started").contains("synth tiny-custom Q4_0: done");
        try (GgufFile f = GgufFile.open(file)) {
            ModelHparams h = ModelHparams.from(f);
            assertThat(h.nLayer()).isEqualTo(2);
            assertThat(h.contextLength()).isEqualTo(512);
            assertThat(h.ropeFreqBase()).isEqualTo(50000f);
            assertThat(h.tiedEmbeddings()).isFalse();
            assertThat(f.metadata().requireString("general.name")).isEqualTo("cli-test");
            assertThat(f.metadata().requireString("general.description")).contains("shape tiny-custom, seed 9, Q4_0");
        }

        Run json = run("model", "inspect", file.toString(), "--json");
        assertThat(json.code()).isZero();
        assertThat(json.out().trim().lines()).hasSize(1);
        JsonNode j = new ObjectMapper().readTree(json.out());
        assertThat(j.get("shape").get("n_layer").asInt()).isEqualTo(2);
        assertThat(j.get("file_type_name").asText()).isEqualTo("MOSTLY_Q4_0");
        assertThat(j.get("name").asText()).isEqualTo("cli-test");

        Run text = run("model", "inspect", file.toString());
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("architecture        llama").contains("tied embeddings     false");
    }

    @Test
    void kQuantMixesAreListedAndReportTheirTensorTypes() throws IOException {
        Run help = run("model", "synth", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Q4_K, Q5_K, Q6_K, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M").contains("Q4_K->Q5_0");

        Path file = tmp.resolve("k.gguf");
        Run synth = run("model", "synth", "--shape", "tiny", "--quant", "Q4_K_M", "--n-layer", "2", "-q", "-o",
                file.toString());
        assertThat(synth.code()).as(synth.err()).isZero();
        // tied embeddings and attn_v/ffn_down of layer 1 (use_more_bits(1, 2)) are Q6_K
        assertThat(synth.out()).contains(" Q4_K_M, ").contains("tensor types: 5 F32, 12 Q4_K, 3 Q6_K");
        Run json = run("model", "inspect", file.toString(), "--json");
        assertThat(new ObjectMapper().readTree(json.out()).get("file_type_name").asText()).isEqualTo("MOSTLY_Q4_K_M");
    }

    @Test
    void sameCommandTwiceWritesIdenticalFiles() throws IOException {
        Path a = tmp.resolve("a.gguf");
        Path b = tmp.resolve("b.gguf");
        assertThat(run("model", "synth", "--seed", "3", "-q", "--threads", "1", "-o", a.toString()).code()).isZero();
        Run quiet = run("model", "synth", "--seed", "3", "-q", "-o", b.toString());
        assertThat(quiet.code()).isZero();
        assertThat(quiet.err()).isEmpty();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void badInputGivesAClearMessageAndNonZeroExit() throws IOException {
        Run noOut = run("model", "synth", "--shape", "tiny");
        assertThat(noOut.code()).isEqualTo(2);
        assertThat(noOut.err()).contains("error: --output is required");

        Run badShape = run("model", "synth", "--shape", "gpt-9", "-o", tmp.resolve("x.gguf").toString());
        assertThat(badShape.code()).isEqualTo(2);
        assertThat(badShape.err()).contains("unknown shape 'gpt-9'");

        Run badFf = run("model", "synth", "--n-ff", "1000", "--quant", "Q8_0", "-o", tmp.resolve("y.gguf").toString());
        assertThat(badFf.code()).isEqualTo(2);
        assertThat(badFf.err()).contains("--n-ff = 1000 is not a multiple of the Q8_0 block size 32");
        assertThat(tmp.resolve("y.gguf")).doesNotExist();

        Run badQuant = run("model", "synth", "--quant", "Q3_K", "-o", tmp.resolve("z.gguf").toString());
        assertThat(badQuant.code()).isEqualTo(2);
        assertThat(badQuant.err()).contains("--quant");

        Files.createDirectories(tmp.resolve("dir.gguf/sub"));
        Run intoDir = run("model", "synth", "-q", "-o", tmp.resolve("dir.gguf").toString());
        assertThat(intoDir.code()).isEqualTo(1);
        assertThat(intoDir.err()).startsWith("error: ");
        Run badVocab = run("model", "synth", "-q", "--vocab-from", tmp.resolve("none.gguf").toString(), "-o",
                tmp.resolve("v.gguf").toString());
        assertThat(badVocab.code()).isEqualTo(1);
        assertThat(badVocab.err()).contains("none.gguf");

        Run missing = run("model", "inspect", tmp.resolve("nope.gguf").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("error: no such file");

        Path junk = tmp.resolve("junk.gguf");
        Files.writeString(junk, "not gguf at all");
        Run notGguf = run("model", "inspect", junk.toString());
        assertThat(notGguf.code()).isEqualTo(1);
        assertThat(notGguf.err()).contains("is not a readable GGUF file").contains("bad magic");
    }

    @Test
    void listsShapesAndHelp() {
        Run shapes = run("model", "synth", "--list-shapes");
        assertThat(shapes.code()).isZero();
        assertThat(shapes.out()).contains("smollm2-360m").contains("qwen2.5-0.5b").contains("llama-3.2-1b");
        Run help = run("model", "--help");
        assertThat(help.out()).contains("synth").contains("inspect");
    }
}
