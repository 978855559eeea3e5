package dev.llmstream.bench.workload;

import dev.llmstream.gguf.GgufFile;
import dev.llmstream.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Counts with the tokenizer of a local GGUF file ({@code --tokenizer FILE.gguf}). The bench stays a
 * client: {@code gguf} and {@code tokenizer} are plain-JDK libraries with no server or engine code, and
 * they reproduce llama.cpp's ids, so counts match any server that loads the same GGUF (llama.cpp,
 * llmstream) without that server exposing {@code /tokenize}.
 */
public final class GgufTokenCounter implements TokenCounter {
    private final Tokenizer tokenizer;

    private GgufTokenCounter(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Loads the tokenizer of {@code file} (a vocab-only GGUF is enough).
     *
     * @throws IOException if the file cannot be read or its tokenizer is not supported
     */
    public static GgufTokenCounter load(Path file) throws IOException {
        try (GgufFile gguf = GgufFile.open(file)) {
            return new GgufTokenCounter(Tokenizer.fromGguf(gguf.metadata()));
        } catch (RuntimeException e) {
            throw new IOException("cannot load the tokenizer of " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int count(String text) {
        return tokenizer.encode(text, false, false).length;
    }

    @Override
    public Method method() {
        return Method.LOCAL_GGUF;
    }
}
