package dev.llmstream.model;

import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model {@code generate} and {@code serve} use when no {@code --model} is given: a synthetic
 * {@value #SHAPE} ({@link WeightType#Q8_0}, generated vocabulary, seed {@value #SEED}) that exists
 * so that the server runs out of the box -- its weights are random and its output is pseudo-text.
 *
 * <p>{@link #ensure()} synthesizes it once into the cache folder ({@code $LLMSTREAM_CACHE}, else
 * {@code ~/.cache/llmstream/}) and reuses it afterwards. {@link ModelSynthesizer} writes to a
 * temporary file and renames it atomically, so processes racing to create it each produce a
 * complete, identical file and the last rename wins; nobody ever opens a partial one. The file
 * name carries {@link #GENERATION}: bump it whenever the synthesizer's output changes so stale
 * caches are not reused.
 */
public final class DefaultModel {
    public static final String SHAPE = "smollm2-135m";
    public static final long SEED = 20_251_121L;
    public static final WeightType TYPE = WeightType.Q8_0;
    static final int GENERATION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(DefaultModel.class);

    private DefaultModel() {}

    /** Path of the default model, synthesizing it first if the cache does not hold a valid copy. */
    public static Path ensure() throws IOException {
        return ensure(cacheDir(), ShapeCatalog.get(SHAPE), Progress.Mode.AUTO, LOG::info);
    }

    /** The cache folder: {@code $LLMSTREAM_CACHE}, else {@code ~/.cache/llmstream}. */
    public static Path cacheDir() {
        return cacheDir(System::getenv, System.getProperty("user.home"));
    }

    static Path cacheDir(java.util.function.UnaryOperator<String> env, String userHome) {
        String dir = env.apply("LLMSTREAM_CACHE");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        return Path.of(userHome, ".cache", "llmstream");
    }

    static String fileName(ModelShape shape) {
        return String.format(Locale.ROOT, "default-%s-%s-seed%d-g%d.gguf", shape.name(), TYPE.name().toLowerCase(Locale.ROOT),
                SEED, GENERATION);
    }

    /** Test seam: any shape, cache folder and log sink; logs exactly one line per call. */
    static synchronized Path ensure(Path cacheDir, ModelShape shape, Progress.Mode progress, Consumer<String> log)
            throws IOException {
        Path file = cacheDir.resolve(fileName(shape)).toAbsolutePath();
        boolean created = false;
        if (!isUsable(file)) {
            ModelSynthesizer.synthesize(SynthOptions.of(shape, TYPE, SEED), file, progress);
            created = true;
        }
        log.accept(String.format(Locale.ROOT, "%s the built-in default model %s: a random-weight synthetic %s (%s,"
                        + " seed %d), not a trained model; its output is pseudo-text. Pass --model to use a real GGUF.",
                created ? "Created" : "Using", file, shape.name(), TYPE, SEED));
        return file;
    }

    /** True if {@code file} exists and opens as a complete GGUF (every tensor's data inside the file). */
    static boolean isUsable(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (GgufFile f = GgufFile.open(file)) {
            return !f.tensors().isEmpty();
        } catch (IOException | GgufFormatException e) {
            return false;
        }
    }
}
