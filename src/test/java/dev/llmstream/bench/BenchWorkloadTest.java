package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.bench.workload.BenchPrompt;
import dev.llmstream.bench.workload.GgufTokenCounter;
import dev.llmstream.bench.workload.JsonlWorkload;
import dev.llmstream.bench.workload.PromptSizer;
import dev.llmstream.bench.workload.ServerTokenCounter;
import dev.llmstream.bench.workload.TokenCounter;
import dev.llmstream.bench.workload.TokenRange;
import dev.llmstream.bench.workload.WordTokenCounter;
import dev.llmstream.bench.workload.Workload;
import dev.llmstream.bench.workload.WorkloadSpec;
import dev.llmstream.bench.workload.Workloads;
import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt sizing, the /tokenize shapes, JSONL files and the generated workloads. */
class BenchWorkloadTest {

    /** A tokenizer where words of 6+ letters are two tokens and "a" is one: units do not map 1:1 to tokens. */
    private static final class LumpyCounter implements TokenCounter {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int count(String text) {
            calls.incrementAndGet();
            int n = 0;
            for (String w : text.strip().split("\\s+")) {
                n += w.isEmpty() ? 0 : w.length() >= 6 ? 2 : 1;
            }
            return n;
        }

        @Override
        public Method method() {
            return Method.LOCAL_GGUF;
        }
    }

    @Test
    void randomPromptsHitTheExactTokenCount() throws IOException {
        LumpyCounter counter = new LumpyCounter();
        Workload w = Workloads.build(new WorkloadSpec(WorkloadSpec.Kind.RANDOM, null, new TokenRange(1, 700),
                TokenRange.fixed(8), 0, 0), 60, 7, new PromptSizer(counter));
        assertThat(w.exactPrompts()).isEqualTo(60);
        for (BenchPrompt p : w.prompts()) {
            assertThat(counter.count(p.user())).isEqualTo(p.inputTokens());
            assertThat(p.inputTokens()).isBetween(1, 700);
        }
        assertThat(w.notes()).isEmpty();
        // A handful of counts per prompt, not a linear search.
        assertThat(counter.calls.get()).isLessThan(60 * 10 + 60);
        assertThat(w.prompts().stream().map(BenchPrompt::user).distinct()).hasSize(60);
    }

    @Test
    void withoutPaddingTheSizerStopsAtTheClosestCountBelow() throws IOException {
        TokenCounter threePerUnit = new TokenCounter() {
            @Override
            public int count(String text) {
                return text.length() * 3;
            }

            @Override
            public Method method() {
                return Method.LOCAL_GGUF;
            }
        };
        PromptSizer.Sized s = new PromptSizer(threePerUnit).fit(100, k -> "x".repeat(k), 50, false);
        assertThat(s.exact()).isFalse();
        assertThat(s.tokens()).isEqualTo(99);
        assertThat(s.text()).hasSize(33);
    }

    @Test
    void serverTokenizeIsProbedInBothShapes() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (var shape : List.of(ScriptedSseServer.Tokenize.VLLM, ScriptedSseServer.Tokenize.LLAMACPP)) {
                try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(1, 0, 0), shape)) {
                    ServerTokenCounter c = ServerTokenCounter.probe(http, URI.create(server.url()), "m",
                            Duration.ofSeconds(5), Map.of()).orElseThrow();
                    assertThat(c.method()).isEqualTo(shape == ScriptedSseServer.Tokenize.VLLM
                            ? TokenCounter.Method.SERVER_TOKENIZE : TokenCounter.Method.SERVER_TOKENIZE_LLAMACPP);
                    assertThat(c.count("one two three")).isEqualTo(3);
                }
            }
            try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(1, 0, 0),
                    ScriptedSseServer.Tokenize.NONE)) {
                assertThat(ServerTokenCounter.probe(http, URI.create(server.url()), null, Duration.ofSeconds(5), Map.of()))
                        .isEmpty();
            }
        }
    }

    @Test
    void aLocalGgufTokenizerCountsExactlyWhenTheServerHasNoTokenize() throws Exception {
        Path gguf = SharedAssets.model("stories260K.gguf");
        GgufTokenCounter counter = GgufTokenCounter.load(gguf);
        assertThat(counter.count("Once upon a time")).isEqualTo(4); // llama.cpp: [403, 407, 261, 378], no BOS
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(2, 0, 0),
                ScriptedSseServer.Tokenize.NONE)) {
            BenchReport r = BenchRunner.run(BenchConfig.builder(server.url()).requests(3).tokenizer(gguf)
                    .workload(WorkloadSpec.random(40, 2)).build());
            assertThat(r.tokenCounting()).isEqualTo("local_gguf");
            assertThat(r.tokenCountingExact()).isTrue();
            for (var body : server.bodies) {
                assertThat(counter.count(body.path("messages").path(0).path("content").asText())).isEqualTo(40);
            }
        }
    }

    @Test
    void sharedPrefixPromptsShareTheirGroupsSystemText() throws IOException {
        Workload w = Workloads.build(new WorkloadSpec(WorkloadSpec.Kind.SHARED_PREFIX, null, TokenRange.fixed(20),
                TokenRange.fixed(4), 300, 3), 9, 1, new PromptSizer(new WordTokenCounter()));
        assertThat(w.prompts()).hasSize(9);
        for (int i = 0; i < 9; i++) {
            BenchPrompt p = w.prompts().get(i);
            assertThat(p.group()).isEqualTo("prefix-" + (i % 3));
            assertThat(p.system()).isEqualTo(w.prompts().get(i % 3).system());
            assertThat(p.inputTokens()).isEqualTo(320);
            assertThat(p.completionText()).startsWith(p.system()).endsWith(p.user());
        }
        assertThat(w.prompts().get(0).system()).isNotEqualTo(w.prompts().get(1).system());
        assertThat(w.counting().exact()).isFalse();
        assertThat(w.notes()).anyMatch(n -> n.contains("approximate"));
    }

    @Test
    void editTasksAskToRepeatThePrompt() throws IOException {
        Workload w = Workloads.build(new WorkloadSpec(WorkloadSpec.Kind.EDIT, null, TokenRange.fixed(400),
                TokenRange.fixed(256), 0, 0), 4, 3, new PromptSizer(new WordTokenCounter()));
        assertThat(w.prompts().get(0).user()).contains("Rename the field", "```java", "public class");
        assertThat(w.prompts().get(1).user()).contains("quote, word for word", "Passage:");
        for (BenchPrompt p : w.prompts()) {
            assertThat(p.inputTokens()).isBetween(300, 400);
            assertThat(p.maxTokens()).isEqualTo(256);
        }
    }

    @Test
    void jsonlFilesRoundTripAndBadLinesAreNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.jsonl");
        Files.writeString(file, """
                # a comment
                {"id": "a", "prompt": "one two three", "output_len": 5}

                {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}], "group": "g"}
                {"prompt": "x", "system": "shared words here", "max_tokens": 9}
                """);
        List<BenchPrompt> ps = JsonlWorkload.load(file, TokenRange.fixed(64), new WordTokenCounter(), new SplittableRandom(1));
        assertThat(ps).hasSize(3);
        assertThat(ps.get(0).id()).isEqualTo("a");
        assertThat(ps.get(0).inputTokens()).isEqualTo(3);
        assertThat(ps.get(0).maxTokens()).isEqualTo(5);
        assertThat(ps.get(1).id()).isEqualTo("line-4");
        assertThat(ps.get(1).messages().size()).isEqualTo(2);
        assertThat(ps.get(1).inputTokens()).isEqualTo(4);
        assertThat(ps.get(1).maxTokens()).isEqualTo(64);
        assertThat(ps.get(1).group()).isEqualTo("g");
        assertThat(ps.get(1).completionText()).isEqualTo("be brief\n\nhi there");
        assertThat(ps.get(2).maxTokens()).isEqualTo(9);
        assertThat(ps.get(2).inputTokens()).isEqualTo(4);

        Path dumped = dir.resolve("dump.jsonl");
        Workload generated = Workloads.build(WorkloadSpec.random(12, 7), 5, 9, new PromptSizer(new WordTokenCounter()));
        Workloads.writeJsonl(generated, dumped);
        List<BenchPrompt> back = JsonlWorkload.load(dumped, TokenRange.fixed(1), new WordTokenCounter(), new SplittableRandom(1));
        assertThat(back).hasSize(5);
        assertThat(back.get(3).user()).isEqualTo(generated.prompts().get(3).user());
        assertThat(back.get(3).maxTokens()).isEqualTo(7);

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": \"ok\"}\n{\"prompt\": \"x\", \"messages\": []}\n");
        assertThatThrownBy(() -> JsonlWorkload.load(bad, TokenRange.fixed(1), new WordTokenCounter(), new SplittableRandom(1)))
                .isInstanceOf(IOException.class).hasMessageContaining("bad.jsonl:2").hasMessageContaining("exactly one");
    }

    @Test
    void shippedLoadtestWorkloadsParse() throws IOException {
        Path dir = Path.of("loadtest/workloads");
        try (var files = Files.list(dir)) {
            List<Path> jsonl = files.filter(f -> f.toString().endsWith(".jsonl")).toList();
            assertThat(jsonl).isNotEmpty();
            for (Path f : jsonl) {
                assertThat(JsonlWorkload.load(f, TokenRange.fixed(128), new WordTokenCounter(), new SplittableRandom(1)))
                        .as(f.toString()).isNotEmpty();
            }
        }
    }

    @Test
    void tokenRangesParse() {
        assertThat(TokenRange.parse("128")).isEqualTo(TokenRange.fixed(128));
        assertThat(TokenRange.parse("100:200")).isEqualTo(new TokenRange(100, 200));
        assertThat(TokenRange.ofRatio(100, 0.5)).isEqualTo(new TokenRange(50, 150));
        assertThatThrownBy(() -> TokenRange.parse("20:10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenRange.parse("x")).hasMessageContaining("MIN:MAX");
    }
}
