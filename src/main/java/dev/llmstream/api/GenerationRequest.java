package dev.llmstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A validated chat or completions request (OpenAI's create-chat-completion / create-completion
 * bodies plus the vLLM extensions benchmark tools send). Every value is already type- and
 * range-checked by {@link RequestParser}; what needs the model (token ids in the vocabulary, the
 * context length, the chat template) is checked by the frontend.
 *
 * @param endpoint          which endpoint the request came to
 * @param model             requested model id, or null for "the served model"
 * @param messages          chat messages as sent (an array; converted by the frontend), or null
 * @param prompt            completion prompt text, or null
 * @param promptIds         completion prompt as token ids, or null
 * @param stream            answer with SSE chunks
 * @param includeUsage      {@code stream_options.include_usage}: a final usage chunk
 * @param n                 choices to generate (each an engine request sharing the prompt)
 * @param maxTokens         output limit, or null for "what the context allows"
 * @param maxTokensParam    the field {@code maxTokens} came from (for error messages)
 * @param sampling          temperature, nucleus, penalties, seed, logit bias
 * @param stop              stop strings (never streamed; matched on detokenized text)
 * @param stopTokenIds      extra token ids that end generation
 * @param logprobs          return log-probabilities of the chosen tokens
 * @param topLogprobs       also the most likely alternatives per position (0..20)
 * @param ignoreEos         keep generating through end-of-generation tokens
 * @param minTokens         suppress end-of-generation until this many tokens exist
 * @param echo              completions only: prepend the prompt text to the output
 * @param user              end-user id (kept for logs/telemetry; never affects generation)
 * @param templateKwargs    {@code chat_template_kwargs} (vLLM): extra template variables, or null
 * @param priority          scheduling priority (vLLM): lower runs first; 0 by default
 * @param cacheSalt         {@code cache_salt} (vLLM): prefix-cache reuse only among requests with the same salt, or null
 * @param speculationMode   llmstream's {@code speculation.mode}: off, ngram, draft, or null (the server default)
 * @param speculationTokens llmstream's {@code speculation.num_tokens}: draft length k, or null (adaptive)
 */
public record GenerationRequest(Endpoint endpoint, String model, JsonNode messages, String prompt, int[] promptIds,
                                boolean stream, boolean includeUsage, int n, Integer maxTokens,
                                String maxTokensParam, Sampling sampling, List<String> stop, int[] stopTokenIds,
                                boolean logprobs, int topLogprobs, boolean ignoreEos, int minTokens, boolean echo,
                                String user, JsonNode templateKwargs, int priority, String cacheSalt,
                                String speculationMode, Integer speculationTokens) {

    public GenerationRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(sampling, "sampling");
        stop = stop == null ? List.of() : List.copyOf(stop);
        stopTokenIds = stopTokenIds == null ? new int[0] : stopTokenIds;
    }

    /**
     * Sampling knobs as OpenAI/vLLM name them.
     *
     * @param temperature       0..2 (0 = greedy); OpenAI's default is 1
     * @param topP              (0, 1]
     * @param topK              0 or -1 disable (vLLM uses -1)
     * @param minP              [0, 1]
     * @param presencePenalty   [-2, 2]
     * @param frequencyPenalty  [-2, 2]
     * @param repetitionPenalty (0, 2] (vLLM/llama.cpp), 1 disables
     * @param seed              reproducible sampling when set
     * @param logitBiasIds      token ids of {@code logit_bias}
     * @param logitBiasValues   their biases, [-100, 100]
     */
    public record Sampling(double temperature, double topP, int topK, double minP, double presencePenalty,
                           double frequencyPenalty, double repetitionPenalty, Long seed, int[] logitBiasIds,
                           float[] logitBiasValues) {
        public Sampling {
            logitBiasIds = logitBiasIds == null ? new int[0] : logitBiasIds;
            logitBiasValues = logitBiasValues == null ? new float[0] : logitBiasValues;
        }
    }

    public boolean isChat() {
        return endpoint == Endpoint.CHAT;
    }
}
