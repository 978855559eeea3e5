package dev.llmstream.tokenizer;

import dev.llmstream.gguf.GgufFile;
import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokenizers of the shared model files, each loaded once per test JVM (the Qwen3 and Llama-3
 * vocabularies have 150k/128k tokens and merges; every test class shares them).
 */
final class TestTokenizers {
    private static final Map<Path, Tokenizer> CACHE = new ConcurrentHashMap<>();

    private TestTokenizers() {}

    /** The tokenizer of {@code models/<relative>}; skips (fails under CI) if the file is absent. */
    static Tokenizer model(String relative) {
        return load(SharedAssets.model(relative));
    }

    static Tokenizer load(Path gguf) {
        return CACHE.computeIfAbsent(gguf.toAbsolutePath().normalize(), p -> {
            try (GgufFile f = GgufFile.open(p)) {
                return Tokenizer.fromGguf(f.metadata());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
