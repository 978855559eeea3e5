package dev.llmstream.api;

/**
 * llmstream's per-request server timings, sent as a top-level {@code metrics} object next to
 * {@code usage} (an extension: OpenAI clients ignore unknown fields). All times are milliseconds
 * measured on the server from the moment the HTTP request reached it; docs/api.md defines each.
 *
 * @param queueTimeMs        arrival → first scheduled by the engine (includes templating and tokenizing)
 * @param ttftMs             arrival → first output token
 * @param tpotMs             mean time per output token after the first: (last − first) / (n − 1)
 * @param prefillTimeMs      first scheduled → first token
 * @param decodeTimeMs       first → last token
 * @param e2eTimeMs          arrival → finished
 * @param promptTokens       prompt length in tokens
 * @param cachedPromptTokens prompt tokens reused from the prefix cache
 * @param outputTokens       generated tokens (an end-of-generation token included)
 * @param preemptions        times the request lost its KV cache to others and was recomputed
 * @param specDraftTokens    speculative tokens proposed for this request
 * @param specAcceptedTokens of those, accepted by the target model
 */
public record ResponseMetrics(double queueTimeMs, double ttftMs, double tpotMs, double prefillTimeMs,
                              double decodeTimeMs, double e2eTimeMs, int promptTokens, int cachedPromptTokens,
                              int outputTokens, int preemptions, int specDraftTokens, int specAcceptedTokens) {}
