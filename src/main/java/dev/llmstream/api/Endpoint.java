package dev.llmstream.api;

/** The two generation endpoints; they share one pipeline and differ in input and chunk shapes. */
public enum Endpoint {
    /** {@code POST /v1/chat/completions}: messages in, {@code chat.completion(.chunk)} out. */
    CHAT("chat", "chatcmpl-"),
    /** {@code POST /v1/completions}: a prompt in, {@code text_completion} out. */
    COMPLETION("text_completion", "cmpl-");

    private final String operation;
    private final String idPrefix;

    Endpoint(String operation, String idPrefix) {
        this.operation = operation;
        this.idPrefix = idPrefix;
    }

    /** OpenTelemetry GenAI {@code gen_ai.operation.name} of this endpoint. */
    public String operation() {
        return operation;
    }

    /** Prefix of response ids, as OpenAI's ({@code chatcmpl-...}, {@code cmpl-...}). */
    public String idPrefix() {
        return idPrefix;
    }
}
