package dev.llmstream.frontend;

import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.engine.TokenLogprobs;
import dev.llmstream.tokenizer.IncrementalDetokenizer;
import dev.llmstream.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one choice's engine outputs into text deltas: incremental detokenization (UTF-8 safe: a
 * character split across tokens is released whole), stop strings with a held-back tail, and
 * log-probabilities in text form. Tokens are fed one at a time when stop strings or log-probabilities
 * need to know which token a piece of text belongs to, else a whole output at once.
 *
 * <p>Confined to the request's thread. After the choice finished (engine finish or stop string)
 * further outputs are ignored — e.g. the engine's ABORT after the frontend cancelled on a stop string.
 */
final class ChoiceDecoder {
    private final int index;
    private final Tokenizer tokenizer;
    private final IncrementalDetokenizer detokenizer;
    private final StopStringMatcher stops;
    private final boolean logprobs;
    private String echo;
    private int consumed;
    private int textOffset;
    private FinishReason finish;
    private boolean stoppedByString;
    private RequestMetrics metrics;
    private long endNanos;

    ChoiceDecoder(int index, ModelText text, List<String> stopStrings, boolean logprobs, String echo) {
        this.index = index;
        this.tokenizer = text.tokenizer();
        this.detokenizer = text.newDetokenizer();
        this.stops = new StopStringMatcher(stopStrings);
        this.logprobs = logprobs;
        this.echo = echo == null ? "" : echo;
        this.textOffset = this.echo.length();
    }

    /** The delta for {@code out}, or null if the choice had already finished. */
    ChoiceDelta accept(EngineOutput out) {
        if (finish != null) {
            return null;
        }
        StringBuilder text = new StringBuilder(echo);
        echo = "";
        List<TokenLogprob> lps = logprobs ? new ArrayList<>(out.tokens().length) : null;
        int[] tokens = out.tokens();
        if (!stops.active() && !logprobs) {
            text.append(detokenizer.accept(tokens));
            consumed += tokens.length;
        } else {
            for (int i = 0; i < tokens.length && !stops.matched(); i++) {
                consumed++;
                if (lps != null && out.logprobs() != null && i < out.logprobs().length) {
                    lps.add(logprob(out.logprobs()[i]));
                }
                text.append(stops.accept(detokenizer.accept(tokens[i])));
            }
        }
        metrics = out.metrics();
        if (stops.matched()) {
            stoppedByString = true;
            finish = FinishReason.STOP;
            endNanos = out.timeNanos();
        } else if (out.finished()) {
            text.append(stops.accept(detokenizer.finish()));
            stoppedByString = stops.matched();
            text.append(stops.finish());
            finish = stoppedByString ? FinishReason.STOP : out.finishReason();
            endNanos = out.timeNanos();
        }
        return new ChoiceDelta(index, text.toString(), lps, finish, finish == FinishReason.ERROR ? out.error() : null);
    }

    private TokenLogprob logprob(TokenLogprobs lp) {
        byte[] bytes = tokenizer.tokenBytes(lp.token());
        String token = new String(bytes, StandardCharsets.UTF_8);
        List<TokenLogprob.Alternative> top = new ArrayList<>(lp.topIds().length);
        for (int j = 0; j < lp.topIds().length; j++) {
            byte[] b = tokenizer.tokenBytes(lp.topIds()[j]);
            top.add(new TokenLogprob.Alternative(new String(b, StandardCharsets.UTF_8), b, lp.topLogprobs()[j]));
        }
        TokenLogprob entry = new TokenLogprob(token, bytes, lp.logprob(), textOffset, top);
        textOffset += token.length();
        return entry;
    }

    int index() {
        return index;
    }

    boolean finished() {
        return finish != null;
    }

    FinishReason finish() {
        return finish;
    }

    /** True if a stop string ended the choice (the engine request must then be cancelled). */
    boolean stoppedByString() {
        return stoppedByString;
    }

    /**
     * Tokens this choice generated for billing: the engine's count (which includes an end-of-generation
     * token) when the engine finished it, the tokens up to the one completing a stop string otherwise.
     */
    int completionTokens() {
        if (stoppedByString || metrics == null) {
            return consumed;
        }
        return Math.max(consumed, metrics.outputTokens());
    }

    /** The latest cumulative engine metrics of this choice (null before the first output). */
    RequestMetrics metrics() {
        return metrics;
    }

    /** When the choice finished, {@link System#nanoTime()} (0 while running). */
    long endNanos() {
        return endNanos;
    }
}
