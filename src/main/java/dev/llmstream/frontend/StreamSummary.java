package dev.llmstream.frontend;

import dev.llmstream.api.ResponseMetrics;
import dev.llmstream.api.Usage;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RequestMetrics;
import java.util.List;

/**
 * How a request ended, for the final chunks, the non-streamed body and telemetry.
 *
 * @param usage    OpenAI usage (prompt once, completions summed, cached tokens of choice 0)
 * @param metrics  the {@code metrics} object (choice 0's timings)
 * @param choices  per choice: finish reason, billed tokens and the final engine metrics
 */
public record StreamSummary(Usage usage, ResponseMetrics metrics, List<Choice> choices) {

    public record Choice(int index, FinishReason finish, int completionTokens, RequestMetrics engineMetrics) {}

    /** OpenAI finish reasons, one per choice in order (telemetry's {@code gen_ai.response.finish_reasons}). */
    public List<String> finishReasons() {
        return choices.stream().map(c -> ChoiceDelta.openAiFinishReason(c.finish())).toList();
    }
}
