package dev.llmstream.tokenizer;

/**
 * Behaviour switches of a vocabulary, after llama.cpp's defaults for its kind and pre-tokenizer
 * and the overriding GGUF keys ({@code tokenizer.ggml.add_bos_token}, {@code add_eos_token},
 * {@code add_space_prefix}, {@code normalizer.lowercase}, {@code normalizer.strip_accents}).
 *
 * @param addBos         prepend BOS when special tokens are added (SPM: default true)
 * @param addEos         append EOS when special tokens are added
 * @param addSpacePrefix SPM: put a space before text that starts the input or follows a special
 *                       token; when detokenizing from the start, drop that space again
 * @param cleanSpaces    detokenizing removes the space before {@code . , ! ?} and in {@code " 's"}
 *                       -style contractions (Hugging Face {@code clean_up_tokenization_spaces})
 * @param ignoreMerges   BPE: a pre-token word that is itself a token is emitted without merging
 * @param lowercase      WPM: lowercase before matching
 * @param stripAccents   WPM: drop accents (NFD base letter, combining marks removed)
 */
public record TokenizerOptions(boolean addBos, boolean addEos, boolean addSpacePrefix, boolean cleanSpaces,
        boolean ignoreMerges, boolean lowercase, boolean stripAccents) {}
