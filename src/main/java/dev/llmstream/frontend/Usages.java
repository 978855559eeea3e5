package dev.llmstream.frontend;

import dev.llmstream.api.ResponseMetrics;
import dev.llmstream.api.Usage;
import dev.llmstream.engine.RequestMetrics;

/**
 * OpenAI usage and llmstream's {@code metrics} object from engine metrics. For n > 1 the prompt is
 * counted once and completion tokens are summed, as OpenAI bills; cached tokens and timings are
 * those of choice 0 (the choices share the prompt; later ones find it in the prefix cache).
 */
public final class Usages {
    private Usages() {}

    static Usage usage(int promptTokens, ChoiceDecoder[] choices) {
        int completion = 0;
        for (ChoiceDecoder c : choices) {
            completion += c.completionTokens();
        }
        RequestMetrics m = choices[0].metrics();
        return Usage.of(promptTokens, completion, m == null ? 0 : m.cachedPromptTokens());
    }

    /** The metrics object of one choice; {@code endNanos} is when it finished (0: not yet). */
    public static ResponseMetrics metrics(RequestMetrics m, int outputTokens, long endNanos) {
        if (m == null) {
            return new ResponseMetrics(0, 0, 0, 0, 0, 0, 0, 0, outputTokens, 0, 0, 0);
        }
        long end = m.finishedNanos() != 0 ? m.finishedNanos() : endNanos;
        return new ResponseMetrics(ms(m.queueNanos()), ms(m.ttftNanos()), ms(m.tpotNanos()), ms(m.prefillNanos()),
                ms(m.decodeNanos()), end == 0 ? 0 : ms(end - m.arrivalNanos()), m.promptTokens(),
                m.cachedPromptTokens(), outputTokens, m.preemptions(), m.draftedTokens(), m.acceptedTokens());
    }

    /** Milliseconds with microsecond resolution (three decimals keep the JSON short). */
    static double ms(double nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
