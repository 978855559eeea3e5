package dev.llmstream.frontend;

import dev.llmstream.frontend.template.ChatMessage;
import dev.llmstream.frontend.template.ChatTemplate;
import dev.llmstream.frontend.template.GgufChatTemplates;
import dev.llmstream.gguf.GgufMetadata;
import dev.llmstream.tokenizer.IncrementalDetokenizer;
import dev.llmstream.tokenizer.Tokenizer;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The text side of a served model: its tokenizer and chat template, and the two ways a request
 * becomes prompt ids, exactly as llama.cpp's server does them — a raw prompt is tokenized with the
 * model's BOS and special-token parsing ({@code add_special}, {@code parse_special}); a chat is
 * rendered by the template with the generation prompt, then tokenized the same way (the template's
 * own leading BOS text is dropped by {@link ChatTemplate} when the tokenizer adds BOS).
 * Immutable and thread-safe.
 */
public final class ModelText {
    private final Tokenizer tokenizer;
    private final ChatTemplate template;

    public ModelText(Tokenizer tokenizer, ChatTemplate template) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.template = Objects.requireNonNull(template, "template");
    }

    /** Tokenizer and chat template (or the ChatML fallback) from GGUF metadata. */
    public static ModelText fromGguf(GgufMetadata metadata) {
        return new ModelText(Tokenizer.fromGguf(metadata), GgufChatTemplates.load(metadata));
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate template() {
        return template;
    }

    /** Prompt ids of a completion prompt. */
    public int[] encodePrompt(String prompt) {
        return tokenizer.encode(prompt, true, true);
    }

    /** The chat rendered by the template (with the assistant generation prompt). */
    public String renderChat(List<ChatMessage> messages, Map<String, ?> extraVars) {
        return template.render(messages, true, extraVars);
    }

    /** Prompt ids of a chat. */
    public int[] encodeChat(List<ChatMessage> messages, Map<String, ?> extraVars) {
        return encodePrompt(renderChat(messages, extraVars));
    }

    /** Token ids that end generation (EOS, EOT and the model's other end markers). */
    public int[] endOfGenerationIds() {
        return tokenizer.endOfGenerationIds();
    }

    /** A detokenizer for one generated stream. */
    public IncrementalDetokenizer newDetokenizer() {
        return IncrementalDetokenizer.forContinuation(tokenizer);
    }

    /** The whole text of a finished continuation. */
    public String decodeContinuation(int[] ids) {
        IncrementalDetokenizer d = newDetokenizer();
        return d.accept(ids) + d.finish();
    }
}
