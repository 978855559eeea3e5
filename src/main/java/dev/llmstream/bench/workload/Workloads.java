package dev.llmstream.bench.workload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the {@link Workload} a {@link WorkloadSpec} describes. Generated workloads are deterministic for
 * a seed and a token counter: prompt {@code i} draws from its own split of the seeded generator.
 */
public final class Workloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Workloads() {
    }

    /**
     * Builds {@code count} prompts (a file workload has as many as the file holds).
     *
     * @param sizer sizes generated prompts with the run's token counter
     * @throws IOException if counting fails (a server that stops answering {@code /tokenize}) or a file
     *     cannot be read
     */
    public static Workload build(WorkloadSpec spec, int count, long seed, PromptSizer sizer) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, is " + count);
        }
        TokenCounter counter = sizer.counter();
        SplittableRandom root = new SplittableRandom(seed);
        List<BenchPrompt> prompts = new ArrayList<>(Math.min(count, 100_000));
        List<String> notes = new ArrayList<>();
        int exact = 0;
        switch (spec.kind()) {
            case RANDOM -> {
                for (int i = 0; i < count; i++) {
                    SplittableRandom r = root.split();
                    int out = spec.outputLen().draw(r);
                    PromptSizer.Sized s = randomText(sizer, spec.inputLen().draw(r), r);
                    exact += s.exact() ? 1 : 0;
                    prompts.add(BenchPrompt.text("random-" + i, s.text(), s.tokens(), out));
                }
            }
            case SHARED_PREFIX -> {
                List<PromptSizer.Sized> prefixes = new ArrayList<>();
                for (int p = 0; p < spec.numPrefixes(); p++) {
                    prefixes.add(randomText(sizer, spec.prefixLen(), root.split()));
                }
                for (int i = 0; i < count; i++) {
                    SplittableRandom r = root.split();
                    int g = i % prefixes.size();
                    PromptSizer.Sized prefix = prefixes.get(g);
                    int out = spec.outputLen().draw(r);
                    PromptSizer.Sized suffix = randomText(sizer, spec.inputLen().draw(r), r);
                    exact += prefix.exact() && suffix.exact() ? 1 : 0;
                    prompts.add(new BenchPrompt("shared-" + i, prefix.text(), suffix.text(), null,
                            prefix.tokens() + suffix.tokens(), out, "prefix-" + g));
                }
                notes.add("requests cycle through " + spec.numPrefixes() + " prefix group(s); the first request of"
                        + " each group is reported as cold, the rest as warm (run at low concurrency so the first"
                        + " one finishes its prefill before the next arrives)");
            }
            case EDIT -> {
                for (int i = 0; i < count; i++) {
                    SplittableRandom r = root.split();
                    int out = spec.outputLen().draw(r);
                    prompts.add(EditTasks.build("edit-" + i, i, r, spec.inputLen().draw(r), out, sizer));
                }
                notes.add("edit prompts are grown by whole methods/sentences: input lengths are measured, not exact");
            }
            case FILE -> {
                prompts.addAll(JsonlWorkload.load(spec.file(), spec.outputLen(), counter, root.split()));
                exact = prompts.size();
            }
        }
        if (!counter.method().exact()) {
            notes.add("prompt token counts are approximate (" + counter.method().description() + "); give --tokenizer"
                    + " FILE.gguf or use a server with /tokenize for exact lengths");
        } else if (exact < prompts.size() && spec.kind() != WorkloadSpec.Kind.EDIT) {
            notes.add((prompts.size() - exact) + " of " + prompts.size() + " prompts could not be sized exactly;"
                    + " their measured lengths are recorded");
        }
        return new Workload(spec.describe(), prompts, counter.method(), exact, notes);
    }

    /** Random words sized to {@code tokens}; twice as many words as tokens are enough for any vocabulary. */
    private static PromptSizer.Sized randomText(PromptSizer sizer, int tokens, SplittableRandom r) throws IOException {
        String[] words = RandomText.wordArray(r, tokens * 2 + 16);
        return sizer.fit(tokens, k -> String.join(" ", Arrays.asList(words).subList(0, k)), words.length, true);
    }

    /**
     * Writes prompts as a JSONL workload file that {@link JsonlWorkload} reads back ({@code --dump-workload}):
     * a generated workload can be frozen, inspected, edited and replayed.
     */
    public static void writeJsonl(Workload workload, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (BenchPrompt p : workload.prompts()) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", p.id());
                if (p.group() != null) {
                    o.put("group", p.group());
                }
                if (p.system() != null) {
                    o.put("system", p.system());
                }
                if (p.messages() != null) {
                    o.set("messages", p.messages());
                } else {
                    o.put("prompt", p.user());
                }
                if (p.inputTokens() >= 0) {
                    o.put("input_len", p.inputTokens());
                }
                o.put("output_len", p.maxTokens());
                w.write(JSON.writeValueAsString(o));
                w.newLine();
            }
        }
    }
}
