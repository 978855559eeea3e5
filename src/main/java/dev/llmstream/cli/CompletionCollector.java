package dev.llmstream.cli;

import dev.llmstream.engine.EngineListener;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.TokenLogprobs;
import dev.llmstream.frontend.ModelText;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Gathers one request's outputs for the offline tools (tokens, first-step log-probs, completion). */
final class CompletionCollector implements EngineListener {
    private final ModelText text;
    private final CompletableFuture<EngineOutput> done = new CompletableFuture<>();
    private int[] tokens = new int[64];
    private int count;
    private TokenLogprobs first;

    CompletionCollector(ModelText text) {
        this.text = text;
    }

    @Override
    public synchronized void onOutput(EngineOutput out) {
        for (int t : out.tokens()) {
            if (count == tokens.length) {
                tokens = Arrays.copyOf(tokens, count * 2);
            }
            tokens[count++] = t;
        }
        if (first == null && out.logprobs() != null && out.logprobs().length > 0) {
            first = out.logprobs()[0];
        }
        if (out.finished()) {
            done.complete(out);
        }
    }

    EngineOutput await() throws Exception {
        return done.get(1, TimeUnit.HOURS);
    }

    CompletableFuture<EngineOutput> future() {
        return done;
    }

    synchronized int[] tokens() {
        return Arrays.copyOf(tokens, count);
    }

    synchronized TokenLogprobs firstLogprobs() {
        return first;
    }

    String text() {
        return text.decodeContinuation(tokens());
    }

    /** OpenAI-style finish reason. */
    static String finishReason(EngineOutput out) {
        FinishReason r = out.finishReason();
        return switch (r) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case ABORT -> "abort";
            case ERROR -> "error";
        };
    }
}
