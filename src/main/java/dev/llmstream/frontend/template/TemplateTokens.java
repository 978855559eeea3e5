package dev.llmstream.frontend.template;

/**
 * The special-token text a template sees as {@code bos_token} / {@code eos_token}, and whether the
 * tokenizer adds BOS / EOS itself. When it does, llama.cpp removes a leading BOS (trailing EOS)
 * text that the template rendered, so the token is not there twice after tokenization: the Phi-3
 * template starts with {@code {{ bos_token }}}, yet llama.cpp's rendered prompt starts at
 * {@code <|user|>} and the tokenizer supplies token 1.
 *
 * @param bos BOS token text, "" when the vocabulary has none
 * @param eos EOS token text, "" when the vocabulary has none
 */
public record TemplateTokens(String bos, String eos, boolean addBos, boolean addEos) {
    public TemplateTokens {
        bos = bos == null ? "" : bos;
        eos = eos == null ? "" : eos;
    }

    /** Token texts for a tokenizer that adds neither BOS nor EOS (plain Hugging Face rendering). */
    public static TemplateTokens of(String bos, String eos) {
        return new TemplateTokens(bos, eos, false, false);
    }

    /** No special tokens at all. */
    public static TemplateTokens none() {
        return new TemplateTokens("", "", false, false);
    }

    /** Removes the BOS/EOS text the tokenizer will add anyway (llama.cpp's rule). */
    String stripAddedTokens(String rendered) {
        String out = rendered;
        if (addBos && !bos.isEmpty() && out.startsWith(bos)) {
            out = out.substring(bos.length());
        }
        if (addEos && !eos.isEmpty() && out.endsWith(eos)) {
            out = out.substring(0, out.length() - eos.length());
        }
        return out;
    }
}
