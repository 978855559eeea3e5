package dev.llmstream.tokenizer;

import dev.llmstream.gguf.GgufMetadata;
import java.util.OptionalInt;

/**
 * A tokenizer that reproduces llama.cpp's token ids and text for the GGUF it was loaded from.
 * Implementations are immutable and thread-safe.
 *
 * <p>Encoding first cuts special tokens out of the text (always the user-defined ones, control ones
 * only with {@code parseSpecial}), then runs the model's algorithm on the rest; see
 * {@link SpmTokenizer}, {@link BpeTokenizer}, {@link WpmTokenizer}. Lone UTF-16 surrogates in the
 * input are read as U+FFFD, as llama.cpp reads invalid UTF-8.
 */
public sealed interface Tokenizer permits SpmTokenizer, BpeTokenizer, WpmTokenizer {

    /**
     * Builds the tokenizer a GGUF describes ({@code tokenizer.ggml.*}).
     *
     * @throws UnsupportedTokenizerException for a tokenizer model or BPE pre-tokenizer not provided here
     * @throws dev.llmstream.gguf.GgufFormatException for missing or malformed tokenizer metadata
     */
    static Tokenizer fromGguf(GgufMetadata metadata) {
        Vocabulary vocab = VocabularyLoader.load(metadata);
        return switch (vocab.kind()) {
            case SPM -> new SpmTokenizer(vocab);
            case BPE -> new BpeTokenizer(vocab, metadata);
            case WPM -> new WpmTokenizer(vocab);
        };
    }

    /**
     * Token ids of {@code text}. With {@code addSpecial} the model's BOS/EOS (per
     * {@link TokenizerOptions}; WordPiece: CLS ... SEP) are added; with {@code parseSpecial} control
     * tokens written in the text (e.g. {@code <|im_start|>}) become their ids instead of being
     * spelled out.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * The bytes a token stands for in text: byte tokens their byte, SPM {@code '▁'} as a space,
     * byte-level BPE characters mapped back to bytes, special tokens their text. May be part of a
     * UTF-8 sequence. Returns a copy.
     *
     * @throws IllegalArgumentException if {@code id} is outside the vocabulary
     */
    byte[] tokenBytes(int id);

    /**
     * Text of a token sequence as llama.cpp's {@code llama_detokenize} gives it: with
     * {@code skipSpecial} control/unknown tokens render as nothing and a leading BOS (trailing EOS)
     * the model adds is dropped (remove_special); otherwise they render as their text. The SPM space
     * prefix is removed from the first token (unless the sequence starts with BOS), and BPE models
     * with {@code cleanSpaces} get Hugging Face's space clean-up. Bytes that are not UTF-8 become
     * U+FFFD.
     *
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    String decode(int[] ids, boolean skipSpecial);

    Vocabulary vocabulary();

    default TokenizerKind kind() {
        return vocabulary().kind();
    }

    default int vocabSize() {
        return vocabulary().size();
    }

    /** BOS id, or -1. */
    default int bosId() {
        return vocabulary().specialIds().bos();
    }

    /** EOS id, or -1. */
    default int eosId() {
        return vocabulary().specialIds().eos();
    }

    default boolean addBos() {
        return vocabulary().options().addBos();
    }

    default boolean addEos() {
        return vocabulary().options().addEos();
    }

    /** True for every token that ends generation (EOS, EOT, EOM, {@code <|im_end|>}, ...). */
    default boolean isEndOfGeneration(int id) {
        return vocabulary().isEndOfGeneration(id);
    }

    /** The sorted ids that end generation. */
    default int[] endOfGenerationIds() {
        return vocabulary().endOfGenerationIds();
    }

    /**
     * True for control and unknown tokens: the ones hidden from output unless special tokens are
     * asked for. User-defined tokens (e.g. Qwen3's {@code <think>}) are ordinary text here.
     */
    default boolean isSpecial(int id) {
        return vocabulary().isControlOrUnknown(id);
    }

    /** The token's text as stored in the vocabulary. */
    default String tokenText(int id) {
        return vocabulary().text(id);
    }

    /** The id of the token whose stored text is exactly {@code text}. */
    default OptionalInt tokenId(String text) {
        int id = vocabulary().id(text);
        return id >= 0 ? OptionalInt.of(id) : OptionalInt.empty();
    }
}
