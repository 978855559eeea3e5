package dev.llmstream.engine;

/** Why a request stopped producing tokens. */
public enum FinishReason {
    /** An end-of-generation token or a stop token id was produced (OpenAI {@code "stop"}). */
    STOP,
    /** {@code maxTokens} or the context length was reached (OpenAI {@code "length"}). */
    LENGTH,
    /** Cancelled by the caller or by engine shutdown. */
    ABORT,
    /** The engine failed while serving the request; {@link EngineOutput#error()} says why. */
    ERROR
}
