package dev.llmstream.bench.workload;

import java.util.List;

/**
 * The prompts of a run, built once before it starts. Request {@code i} sends prompt {@code i mod size}.
 *
 * @param description one line for reports
 * @param prompts at least one
 * @param counting how prompt tokens were counted
 * @param exactPrompts prompts whose length hit the requested count exactly (by {@code counting})
 * @param notes caveats for the report (approximate counts, repeated prompts, ...)
 */
public record Workload(String description, List<BenchPrompt> prompts, TokenCounter.Method counting,
                       int exactPrompts, List<String> notes) {
    public Workload {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("a workload needs at least one prompt");
        }
        prompts = List.copyOf(prompts);
        notes = List.copyOf(notes);
    }

    /** The prompt for request {@code index}. */
    public BenchPrompt prompt(int index) {
        return prompts.get(Math.floorMod(index, prompts.size()));
    }
}
