package dev.llmstream.frontend;

import dev.llmstream.engine.FinishReason;
import java.util.ArrayList;
import java.util.List;

/**
 * What one choice adds in one drain: new text (stop strings already removed), the log-probabilities
 * of the tokens consumed, and — on its last delta — why it finished. Several engine outputs of one
 * choice drained together merge into one delta (one SSE chunk).
 *
 * @param index    the choice ({@code choices[index]})
 * @param text     new text, possibly empty (e.g. bytes of an unfinished character held back)
 * @param logprobs one entry per consumed token, or null when not requested
 * @param finish   null while the choice runs; STOP also when a stop string matched
 * @param error    the engine's message when {@code finish == ERROR}
 */
public record ChoiceDelta(int index, String text, List<TokenLogprob> logprobs, FinishReason finish, String error) {

    public boolean finished() {
        return finish != null;
    }

    /** OpenAI's {@code finish_reason} for {@link #finish} ({@code stop} or {@code length}). */
    public String openAiFinishReason() {
        return finish == null ? null : openAiFinishReason(finish);
    }

    public static String openAiFinishReason(FinishReason finish) {
        return switch (finish) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case ABORT -> "abort";
            case ERROR -> "error";
        };
    }

    /** This delta followed by {@code later} of the same choice. */
    ChoiceDelta then(ChoiceDelta later) {
        List<TokenLogprob> lp = logprobs;
        if (later.logprobs != null && !later.logprobs.isEmpty()) {
            lp = new ArrayList<>(logprobs == null ? List.of() : logprobs);
            lp.addAll(later.logprobs);
        }
        return new ChoiceDelta(index, text + later.text, lp, later.finish, later.error);
    }
}
