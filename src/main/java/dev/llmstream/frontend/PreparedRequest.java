package dev.llmstream.frontend;

import dev.llmstream.api.GenerationRequest;
import dev.llmstream.engine.EngineRequest;
import java.util.List;

/**
 * A request ready for the engine: the prompt ids, one engine request per choice, and what the output
 * side needs (stop strings, log-probabilities, echo).
 *
 * @param requestId  the response id ({@code chatcmpl-...}); engine requests are {@code id-<choice>}
 * @param request    the validated wire request
 * @param promptIds  the tokenized prompt
 * @param choices    one engine request per choice (n), sharing the prompt
 * @param echoText   completions {@code echo}: the prompt text to put before the output, else null
 */
public record PreparedRequest(String requestId, GenerationRequest request, int[] promptIds,
                              List<EngineRequest> choices, String echoText) {

    public int promptTokens() {
        return promptIds.length;
    }

    public int maxTokens() {
        return choices.getFirst().maxTokens();
    }
}
