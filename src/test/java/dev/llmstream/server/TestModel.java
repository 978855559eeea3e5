package dev.llmstream.server;

import dev.llmstream.engine.core.scheduler.SchedulerConfig;
import dev.llmstream.engine.cpu.CpuEngine;
import dev.llmstream.engine.cpu.CpuEngineConfig;
import dev.llmstream.frontend.ModelText;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.model.ModelSynthesizer;
import dev.llmstream.model.ShapeCatalog;
import dev.llmstream.model.SynthOptions;
import dev.llmstream.model.WeightType;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One tiny synthetic model (shape {@code tiny}: ~5M parameters, generated vocabulary, ChatML
 * template) and one CPU engine over it with small limits, shared by every server test in the JVM so
 * the suite loads a model once. No warm-up (one test covers warm-up on its own engine).
 */
final class TestModel {
    static final int MAX_SEQS = 8;
    static final int MAX_WAITING = 32;
    private static Path file;
    private static CpuEngine engine;
    private static ModelText text;

    private TestModel() {}

    static synchronized Path file() {
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("llmstream-server-test");
                dir.toFile().deleteOnExit();
                Path out = dir.resolve("tiny.gguf");
                ModelSynthesizer.synthesize(SynthOptions.of(ShapeCatalog.get("tiny"), WeightType.Q8_0, 7), out,
                        Progress.Mode.SILENT);
                out.toFile().deleteOnExit();
                file = out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    static synchronized ModelText text() {
        if (text == null) {
            try (GgufFile f = GgufFile.open(file())) {
                text = ModelText.fromGguf(f.metadata());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text;
    }

    /** The shared engine (never closed: daemon threads end with the JVM). */
    static synchronized CpuEngine engine() {
        if (engine == null) {
            engine = start();
        }
        return engine;
    }

    /** A new engine over the tiny model with the test limits (caller closes it). */
    static CpuEngine start() {
        try {
            return CpuEngine.start(CpuEngineConfig.of(file(), text().endOfGenerationIds())
                    .withThreads(2)
                    .withContextLength(1024)
                    .withScheduler(new SchedulerConfig(128, MAX_SEQS, MAX_WAITING, true))
                    .withKvCacheBytes(8L << 20));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
