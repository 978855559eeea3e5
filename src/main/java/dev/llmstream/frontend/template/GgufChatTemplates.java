package dev.llmstream.frontend.template;

import dev.llmstream.gguf.GgufArray;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufMetadata;
import dev.llmstream.gguf.GgufValueType;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads a model's chat template and the special tokens it needs from GGUF metadata, as llama.cpp
 * does when it loads a model ({@code common_chat_templates_init} and {@code llama_vocab::load}):
 * <ul>
 *   <li>template: {@code tokenizer.chat_template} (or {@code tokenizer.chat_template.<variant>},
 *       e.g. {@code tool_use}); missing, empty or the literal {@code "chatml"} means the ChatML
 *       fallback;</li>
 *   <li>{@code bos_token}/{@code eos_token}: the text of the tokens
 *       {@code tokenizer.ggml.bos_token_id}/{@code eos_token_id} in {@code tokenizer.ggml.tokens}
 *       ("" without one);</li>
 *   <li>whether the tokenizer adds BOS/EOS: {@code tokenizer.ggml.add_bos_token}/{@code add_eos_token}
 *       when present, else llama.cpp's default for the tokenizer type: SentencePiece
 *       ({@code llama}) and WordPiece ({@code bert}) add BOS, Unigram ({@code t5}) adds EOS, and
 *       byte-level BPE ({@code gpt2}) adds BOS only for the pre-tokenizers listed in
 *       {@link #BPE_PRE_TOKENIZERS_ADDING_BOS}.</li>
 * </ul>
 * Special-token text is taken as stored: BOS/EOS are control tokens, whose text llama.cpp prints
 * verbatim. The tokenizer package owns the full vocabulary rules; only these strings are needed here.
 */
public final class GgufChatTemplates {
    /** BPE pre-tokenizer names for which llama.cpp sets add_bos without a metadata key. */
    static final Set<String> BPE_PRE_TOKENIZERS_ADDING_BOS = Set.of(
            "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
            "jina-v5-nano", "tekken", "chameleon", "gemma4");

    private GgufChatTemplates() {}

    /** The model's default chat template, or the ChatML fallback when it has none. */
    public static ChatTemplate load(GgufMetadata metadata) {
        return load(metadata, null);
    }

    /**
     * A named template variant ({@code tokenizer.chat_template.<variant>}), falling back to the
     * default template and then to ChatML, as llama.cpp does.
     */
    public static ChatTemplate load(GgufMetadata metadata, String variant) {
        TemplateTokens tokens = tokens(metadata);
        Optional<String> source = Optional.empty();
        if (variant != null) {
            source = metadata.getString("tokenizer.chat_template." + variant).filter(s -> !s.isEmpty());
        }
        if (source.isEmpty()) {
            source = metadata.getString("tokenizer.chat_template").filter(s -> !s.isEmpty() && !s.equals("chatml"));
        }
        return source.map(s -> ChatTemplate.of(s, tokens)).orElseGet(() -> ChatTemplate.fallback(tokens));
    }

    /** The template's special tokens for this model. */
    public static TemplateTokens tokens(GgufMetadata metadata) {
        String model = metadata.getString("tokenizer.ggml.model").orElse("");
        String pre = metadata.getString("tokenizer.ggml.pre").orElse("");
        boolean addBosDefault = switch (model) {
            case "llama", "bert" -> true;
            case "gpt2" -> BPE_PRE_TOKENIZERS_ADDING_BOS.contains(pre);
            default -> false;
        };
        boolean addBos = metadata.getBoolean("tokenizer.ggml.add_bos_token").orElse(addBosDefault);
        boolean addEos = metadata.getBoolean("tokenizer.ggml.add_eos_token").orElse(model.equals("t5"));
        return new TemplateTokens(
                tokenText(metadata, "tokenizer.ggml.bos_token_id"),
                tokenText(metadata, "tokenizer.ggml.eos_token_id"),
                addBos, addEos);
    }

    private static String tokenText(GgufMetadata metadata, String idKey) {
        OptionalLong id = metadata.getLong(idKey);
        Optional<GgufArray> tokens = metadata.getArray("tokenizer.ggml.tokens");
        if (id.isEmpty() || tokens.isEmpty()) {
            return "";
        }
        if (tokens.get().elementType() != GgufValueType.STRING) {
            throw new GgufFormatException(-1, "tokenizer.ggml.tokens",
                    "expected an array of strings but the file has " + tokens.get().elementType());
        }
        long i = id.getAsLong();
        // Some converters write 0xFFFFFFFF for "no such token"; llama.cpp treats it as absent.
        return i >= 0 && i < tokens.get().length() ? tokens.get().strings()[(int) i] : "";
    }
}
