package dev.llmstream.frontend.template;

import com.hubspot.jinjava.tree.Node;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's chat template (GGUF {@code tokenizer.chat_template}, a Hugging Face Jinja template)
 * compiled once and rendered into the prompt text llama.cpp would build for the same conversation.
 *
 * <p>Rendering is Jinja with Hugging Face's environment ({@link JinjaEnvironment}); around it sit
 * llama.cpp's conventions: the capability probes and message adjustments of
 * {@link TemplateCapabilities} / {@link TemplateInputs} (system prompt folded into the first turn
 * for templates without a system role, and so on), its default variables
 * ({@code enable_thinking=true}, {@code date_string}), and removal of a BOS/EOS text the tokenizer
 * adds anyway ({@link TemplateTokens}).
 *
 * <p>Instances are immutable and thread-safe: the parsed template is shared, every render has its
 * own interpreter. Parsing and probing happen once, in {@link #of}.
 */
public final class ChatTemplate {
    /**
     * The template llama.cpp uses for models that ship none: ChatML
     * ({@code <|im_start|>role\ncontent<|im_end|>\n}, then {@code <|im_start|>assistant\n} as the
     * generation prompt), so a template-less model still gets a well-formed conversation.
     */
    static final String CHATML = """
            {%- for message in messages -%}
                {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}
                {{- '<|im_start|>assistant\\n' -}}
            {%- endif -%}""";

    private final String source;
    private final TemplateTokens tokens;
    private final Node root;
    private final TemplateCapabilities capabilities;
    private final Clock clock;

    private ChatTemplate(String source, TemplateTokens tokens, Node root, TemplateCapabilities capabilities,
            Clock clock) {
        this.source = source;
        this.tokens = tokens;
        this.root = root;
        this.capabilities = capabilities;
        this.clock = clock;
    }

    /**
     * Compiles a template for a tokenizer with these special tokens.
     *
     * @throws ChatTemplateException if the template does not parse
     */
    public static ChatTemplate of(String source, TemplateTokens tokens) {
        Objects.requireNonNull(source, "template source");
        Objects.requireNonNull(tokens, "template tokens");
        JinjaEnvironment env = JinjaEnvironment.INSTANCE;
        Node root = env.parse(source);
        return new ChatTemplate(source, tokens, root, TemplateCapabilities.detect(env, root), Clock.systemDefaultZone());
    }

    /** {@link #of(String, TemplateTokens)} for a tokenizer that adds neither BOS nor EOS. */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        return of(source, TemplateTokens.of(bosToken, eosToken));
    }

    /** llama.cpp's template for models without one: ChatML (see {@link #CHATML}). */
    public static ChatTemplate fallback(TemplateTokens tokens) {
        return of(CHATML, tokens);
    }

    /**
     * The same template whose {@code strftime_now}, {@code date_string} and {@code datetime} read
     * this clock (tests pin the date; the default is the system clock in its zone).
     */
    public ChatTemplate withClock(Clock newClock) {
        return new ChatTemplate(source, tokens, root, capabilities, Objects.requireNonNull(newClock, "clock"));
    }

    /**
     * Renders the prompt for a conversation.
     *
     * @param addGenerationPrompt append the opening of an assistant turn, so the model answers
     * @param extraVars further template variables, e.g. {@code tools} (OpenAI tool definitions),
     *     {@code enable_thinking}, {@code reasoning_effort}; Jackson trees are accepted. They
     *     override the defaults, including llama.cpp's {@code enable_thinking=true}.
     * @throws ChatTemplateException if the template rejects the conversation
     *     ({@code raise_exception}) or fails; the message says why
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> extraVars) {
        Objects.requireNonNull(messages, "messages");
        List<Object> templateMessages = TemplateInputs.messages(messages, capabilities, !source.contains("<|channel|>"));
        Map<String, Object> extra = new HashMap<>(TemplateInputs.llamaCppDefaults(clock));
        if (extraVars != null) {
            extra.putAll(extraVars);
        }
        Map<String, Object> vars = TemplateInputs.bindings(templateMessages, tokens, addGenerationPrompt, extra);
        String rendered = JinjaEnvironment.INSTANCE.render(root, vars, clock);
        return tokens.stripAddedTokens(rendered);
    }

    /** {@link #render(List, boolean, Map)} without extra variables. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    public String source() {
        return source;
    }

    public TemplateTokens tokens() {
        return tokens;
    }

    public TemplateCapabilities capabilities() {
        return capabilities;
    }
}
