package dev.llmstream.frontend.template;

/**
 * A chat template could not be parsed or rendered: a syntax error, an unsupported construct, or the
 * template itself rejecting the conversation with {@code raise_exception(msg)} (then the message is
 * exactly {@code msg}, e.g. "Conversation roles must alternate user/assistant/user/assistant/...").
 * The server maps it to HTTP 400; the message never contains Jinjava internals' stack traces.
 */
public final class ChatTemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
