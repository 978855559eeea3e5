package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.bench.report.ReportJson;
import dev.llmstream.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llmstream bench} through {@link Main#run}: options, outputs, exit codes. */
class BenchCommandTest {
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
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runWritesJsonAndHtmlAndPrintsTheTable(@TempDir Path dir) throws Exception {
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(3, 1, 1))) {
            Path json = dir.resolve("out/r.json");
            Path html = dir.resolve("out/r.html");
            int code = Main.run("bench", "--url", server.url(), "--requests", "3", "--concurrency", "2",
                    "--input-len", "8", "--output-len", "3", "--ignore-eos", "--slo", "ttft=5s,tpot=1s",
                    "--json-out", json.toString(), "--html-out", html.toString(), "--progress", "silent");
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out()).contains("completed 3, failed 0", "TTFT", "goodput (ttft<=5000ms, tpot<=1000ms)");
            JsonNode root = ReportJson.read(json);
            assertThat(root.path("summary").path("completed").asInt()).isEqualTo(3);
            assertThat(root.path("load").path("concurrency").asInt()).isEqualTo(2);
            assertThat(Files.readString(html)).contains("<svg");
        }
    }

    @Test
    void sweepAndCompare(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(2, 1, 1))) {
            assertThat(Main.run("bench", "--url", server.url(), "--requests", "2", "--sweep", "concurrency=1,2",
                    "--input-len", "4", "--output-len", "2", "--json-out", a.toString(), "--progress", "silent")).isZero();
        }
        assertThat(out()).contains("concurrency=1", "concurrency=2", "out tok/s");
        assertThat(ReportJson.read(a).path("runs").size()).isEqualTo(2);
        out.reset();
        assertThat(Main.run("bench", "--compare", a.toString(), a.toString())).isZero();
        assertThat(out()).contains("[concurrency=2]", "1.00x");
    }

    @Test
    void dumpWorkloadWritesJsonl(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.jsonl");
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(1, 0, 0))) {
            assertThat(Main.run("bench", "--url", server.url(), "--requests", "3", "--workload", "shared-prefix",
                    "--prefix-len", "20", "--num-prefixes", "2", "--input-len", "5", "--dump-workload", file.toString()))
                    .isZero();
            assertThat(server.completions()).isZero();
        }
        assertThat(Files.readAllLines(file)).hasSize(3).allMatch(l -> l.contains("\"input_len\":25"));
    }

    @Test
    void noCompletedRequestIsExitOneAndBadOptionsAreExitTwo() {
        assertThat(Main.run("bench", "--url", "http://127.0.0.1:1", "--requests", "1", "--model", "m",
                "--progress", "silent")).isEqualTo(1);
        assertThat(out()).contains("connect=1");
        assertThat(Main.run("bench", "--requests", "1")).isEqualTo(2);
        assertThat(Main.run("bench", "--url", "http://x", "--rate", "2", "--concurrency", "3")).isEqualTo(2);
        assertThat(Main.run("bench", "--url", "ftp://x")).isEqualTo(2);
        assertThat(Main.run("bench", "--url", "http://x", "--input-len", "9:3")).isEqualTo(2);
        assertThat(Main.run("bench", "--url", "http://x", "--sweep", "temperature=1,2")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--concurrency is the closed loop", "cannot sweep");
    }
}
