package dev.llmstream.cli;

import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.engine.core.scheduler.SchedulerConfig;
import dev.llmstream.engine.core.spec.SpecConfig;
import dev.llmstream.engine.cpu.CpuEngine;
import dev.llmstream.engine.cpu.CpuEngineConfig;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.frontend.ModelText;
import dev.llmstream.model.DefaultModel;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Model and CPU engine options shared by {@code generate} and {@code serve}; wiring of both. */
public final class EngineOptions {
    @Option(names = {"-m", "--model"}, description = "GGUF model file (default: the embedded synthetic model)")
    Path model;

    @Option(names = "--threads", description = "compute threads (default: all cores)")
    int threads;

    @Option(names = "--ctx", description = "context length per sequence (default: the model's)")
    int contextLength;

    @Option(names = "--kv-cache-mb", description = "KV-cache memory budget in MiB (default: 30%% of the heap)")
    long kvCacheMb;

    @Option(names = "--max-batched-tokens", defaultValue = "512",
            description = "token budget of one engine step (default: ${DEFAULT-VALUE})")
    int maxBatchedTokens;

    @Option(names = "--max-seqs", defaultValue = "64", description = "running sequences per step (default: ${DEFAULT-VALUE})")
    int maxSequences;

    @Option(names = "--max-waiting", defaultValue = "1024", description = "queued requests before rejecting (default: ${DEFAULT-VALUE})")
    int maxWaiting;

    @Option(names = "--no-prefix-cache", description = "disable automatic prefix caching")
    boolean noPrefixCache;

    @Option(names = "--block-size", defaultValue = "16", description = "tokens per KV block (default: ${DEFAULT-VALUE})")
    int blockSize;

    // Offline, nobody watches the gap between tokens: pacing prefill for inter-token latency (the server's
    // default, 200 ms) only leaves steps short of decodes while a wave of prompts trickles in.
    @Option(names = "--max-step-ms", defaultValue = "0",
            description = "while sequences decode, size prefill chunks to keep a step near this "
                    + "(default: ${DEFAULT-VALUE} = off, batch throughput; the server's is 200)")
    int maxStepMs;

    @Option(names = "--spec", defaultValue = "off",
            description = "speculative decoding default: off, ngram (prompt lookup) or draft (needs --draft-model)")
    String spec;

    @Option(names = "--draft-model", description = "draft GGUF sharing the model's vocabulary (for --spec draft)")
    Path draftModel;

    @Option(names = "--spec-tokens", defaultValue = "5", description = "maximum draft tokens per step (default: ${DEFAULT-VALUE})")
    int specTokens;

    @Option(names = "--spec-max-batch", defaultValue = "4",
            description = "no speculation while more sequences than this decode (default: ${DEFAULT-VALUE})")
    int specMaxBatch;

    @Option(names = "--numerics", defaultValue = "exact",
            description = "CPU rounding: exact (llama.cpp's bits) or fast (Q8_0 one multiply-add per weight, float attention; faster batches; default: ${DEFAULT-VALUE})")
    String numerics;

    @Option(names = "--no-warmup", description = "skip the JIT warm-up run at start")
    boolean noWarmup;

    /** The model file to load: the given one, or the embedded default (synthesized once). */
    Path resolveModel() throws IOException {
        return model != null ? model : DefaultModel.ensure();
    }

    /** A started engine and the model's text side. */
    record Loaded(CpuEngine engine, ModelText text) implements AutoCloseable {
        @Override
        public void close() {
            engine.close();
        }
    }

    SpecConfig specConfig() {
        SpeculationParams.Mode mode = switch (spec.toLowerCase(java.util.Locale.ROOT)) {
            case "off", "none" -> SpeculationParams.Mode.OFF;
            case "ngram" -> SpeculationParams.Mode.NGRAM;
            case "draft" -> SpeculationParams.Mode.DRAFT;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--spec must be off, ngram or draft, got '" + spec + "'");
        };
        if (mode == SpeculationParams.Mode.DRAFT && draftModel == null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--spec draft needs --draft-model FILE");
        }
        return new SpecConfig(mode, specTokens, 1, 4, specMaxBatch, draftModel);
    }

    Numerics numerics() {
        try {
            return Numerics.parse(numerics);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--numerics must be exact or fast, got '" + numerics + "'");
        }
    }

    Loaded start() throws IOException {
        Path path = resolveModel();
        SchedulerConfig sc = new SchedulerConfig(maxBatchedTokens, maxSequences, maxWaiting, !noPrefixCache);
        // the tokenizer decides which ids end generation; read it before the engine starts
        ModelText text;
        try (var file = dev.llmstream.gguf.GgufFile.open(path)) {
            text = ModelText.fromGguf(file.metadata());
        }
        CpuEngineConfig cfg = new CpuEngineConfig(path, null, threads, sc, blockSize, kvCacheMb << 20, contextLength,
                text.endOfGenerationIds(), specConfig(), maxStepMs, numerics());
        CpuEngine engine = CpuEngine.start(cfg);
        if (!noWarmup) {
            try {
                var took = engine.warmUp();
                org.slf4j.LoggerFactory.getLogger(EngineOptions.class).info("warm-up done in {} ms", took.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Loaded(engine, text);
    }
}
