package dev.llmstream.api;

/**
 * OpenAI's {@code usage} object, on non-streamed responses and on the final streamed chunk when
 * {@code stream_options.include_usage} is set. {@code prompt_tokens_details.cached_tokens} counts
 * prompt tokens served from the prefix cache, as OpenAI reports prompt caching.
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, PromptTokensDetails promptTokensDetails) {

    public static Usage of(int promptTokens, int completionTokens, int cachedTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens,
                new PromptTokensDetails(cachedTokens));
    }

    public record PromptTokensDetails(int cachedTokens) {}
}
