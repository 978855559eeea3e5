package dev.llmstream.tokenizer;

/** The tokenizer algorithms, by the {@code tokenizer.ggml.model} value that selects them. */
public enum TokenizerKind {
    /** SentencePiece-style BPE over scores with byte fallback ({@code llama}). */
    SPM("llama"),
    /** Byte-level BPE over ranked merges ({@code gpt2}). */
    BPE("gpt2"),
    /** WordPiece ({@code bert}). */
    WPM("bert");

    private final String ggufModel;

    TokenizerKind(String ggufModel) {
        this.ggufModel = ggufModel;
    }

    /** The {@code tokenizer.ggml.model} value. */
    public String ggufModel() {
        return ggufModel;
    }
}
