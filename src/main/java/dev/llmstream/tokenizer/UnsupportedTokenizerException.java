package dev.llmstream.tokenizer;

/**
 * The GGUF names a tokenizer model ({@code tokenizer.ggml.model}) or BPE pre-tokenizer
 * ({@code tokenizer.ggml.pre}) that this implementation does not provide.
 */
public final class UnsupportedTokenizerException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnsupportedTokenizerException(String message) {
        super(message);
    }
}
