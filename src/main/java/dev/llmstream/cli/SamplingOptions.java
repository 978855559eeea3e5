package dev.llmstream.cli;

import dev.llmstream.engine.SamplingParams;
import picocli.CommandLine.Option;

/** Sampling flags of {@code generate}. */
public final class SamplingOptions {
    @Option(names = {"-n", "--max-tokens"}, defaultValue = "128", description = "tokens to generate (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = {"-t", "--temperature"}, defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "0 = off")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "1 = off")
    float topP;

    @Option(names = "--min-p", defaultValue = "0", description = "0 = off")
    float minP;

    @Option(names = "--repetition-penalty", defaultValue = "1")
    float repetitionPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0")
    float presencePenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0")
    float frequencyPenalty;

    @Option(names = "--seed", description = "random seed (sampling is reproducible with a seed)")
    Long seed;

    @Option(names = "--top-logprobs", defaultValue = "0", description = "report the first step's top-K probabilities")
    int topLogprobs;

    @Option(names = "--ignore-eos", description = "generate exactly --max-tokens tokens")
    boolean ignoreEos;

    SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty,
                seed, null, null, topLogprobs > 0, topLogprobs);
    }
}
