package dev.llmstream.cli;

import dev.llmstream.config.EngineSettings;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.engine.core.scheduler.SchedulerConfig;
import dev.llmstream.engine.core.spec.SpecConfig;
import dev.llmstream.engine.cpu.CpuEngine;
import dev.llmstream.engine.cpu.CpuEngineConfig;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.engine.trtllm.TrtllmAvailability;
import dev.llmstream.engine.trtllm.TrtllmConfig;
import dev.llmstream.engine.trtllm.TrtllmEngine;
import dev.llmstream.frontend.ModelText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the engine {@code serve} asked for: the CPU engine on the GGUF, or TensorRT-LLM on an engine
 * directory ({@code engine.kind = trtllm} fails fast with the cause when its library or directory is
 * unusable; {@code auto} falls back to the CPU engine and logs why).
 */
final class EngineFactory {
    private static final Logger LOG = LoggerFactory.getLogger(EngineFactory.class);

    private EngineFactory() {}

    static InferenceEngine start(EngineSettings e, Path gguf, ModelText text) throws IOException {
        String kind = e.kind();
        if (kind.equals("auto")) {
            TrtllmAvailability.AutoChoice choice = TrtllmAvailability.chooseAuto(e.trtllmEngineDir(), e.trtllmNativeDir());
            LOG.info("engine auto: {} ({})", choice.trtllm() ? "trtllm" : "cpu", choice.reason());
            kind = choice.trtllm() ? "trtllm" : "cpu";
        }
        return kind.equals("trtllm") ? startTrtllm(e, text) : startCpu(e, gguf, text);
    }

    private static InferenceEngine startTrtllm(EngineSettings e, ModelText text) {
        TrtllmConfig cfg = TrtllmConfig.of(e.trtllmEngineDir()).withEndOfGenerationIds(text.endOfGenerationIds());
        if (e.trtllmNativeDir() != null) {
            cfg = cfg.withNativeDir(e.trtllmNativeDir());
        }
        TrtllmEngine engine = TrtllmEngine.start(cfg);
        LOG.info("trtllm engine ready on {}", e.trtllmEngineDir());
        return engine;
    }

    /** Loads the model into a CPU engine and warms it up (logged) unless disabled. */
    static CpuEngine startCpu(EngineSettings e, Path path, ModelText text) throws IOException {
        SchedulerConfig sc = new SchedulerConfig(e.maxBatchedTokens(), e.maxSeqs(), e.maxWaiting(), e.prefixCache());
        CpuEngine engine = CpuEngine.start(new CpuEngineConfig(path, null, e.threads(), sc, e.blockSize(),
                e.kvCacheMb() << 20, e.contextLength(), text.endOfGenerationIds(), spec(e), e.maxStepMillis(),
                Numerics.parse(e.numerics())));
        if (e.warmup()) {
            try {
                var took = engine.warmUp();
                LOG.info("engine warm-up (prefill and decode at batch sizes 1, 4, {}) done in {} ms",
                        Math.min(16, engine.info().maxSequences()), took.toMillis());
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
        } else {
            LOG.info("engine warm-up skipped: the first requests will pay JIT compilation time");
        }
        return engine;
    }

    static SpecConfig spec(EngineSettings e) {
        SpeculationParams.Mode mode = switch (e.spec().toLowerCase(Locale.ROOT)) {
            case "ngram" -> SpeculationParams.Mode.NGRAM;
            case "draft" -> SpeculationParams.Mode.DRAFT;
            default -> SpeculationParams.Mode.OFF;
        };
        return new SpecConfig(mode, e.specTokens(), 1, 4, e.specMaxBatch(), e.draftModel());
    }
}
