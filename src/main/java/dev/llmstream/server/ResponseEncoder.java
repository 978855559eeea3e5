package dev.llmstream.server;

import dev.llmstream.api.ApiCodec;
import dev.llmstream.api.ChatCompletion;
import dev.llmstream.api.ChatCompletionChunk;
import dev.llmstream.api.ChatLogprobs;
import dev.llmstream.api.Completion;
import dev.llmstream.api.CompletionLogprobs;
import dev.llmstream.api.Endpoint;
import dev.llmstream.frontend.ChoiceDelta;
import dev.llmstream.frontend.StreamSummary;
import dev.llmstream.frontend.TokenLogprob;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the OpenAI response shapes of one request from the frontend's deltas: streamed chunks
 * ({@code chat.completion.chunk} / {@code text_completion}) and the non-streamed body. Chat streams
 * open each choice with a role delta ({@code {"role": "assistant", "content": ""}}), sent with the
 * choice's first output so that "first event with choices" is the real time to first token (what
 * {@code vllm bench serve} measures). A finishing delta becomes a content chunk (if it has text)
 * and then a chunk with an empty delta and {@code finish_reason}, as OpenAI sends it.
 */
final class ResponseEncoder {
    private final Endpoint endpoint;
    private final String id;
    private final String model;
    private final long created;
    private final boolean[] opened;
    private final StringBuilder[] texts;
    private final List<List<TokenLogprob>> logprobs;
    private final boolean wantLogprobs;

    ResponseEncoder(Endpoint endpoint, String id, String model, long created, int n, boolean wantLogprobs) {
        this.endpoint = endpoint;
        this.id = id;
        this.model = model;
        this.created = created;
        this.opened = new boolean[n];
        this.texts = new StringBuilder[n];
        this.logprobs = new ArrayList<>(n);
        this.wantLogprobs = wantLogprobs;
        for (int i = 0; i < n; i++) {
            texts[i] = new StringBuilder();
            logprobs.add(new ArrayList<>());
        }
    }

    /** Appends the SSE events for one drain's deltas to {@code into}. */
    void appendEvents(Buffer into, List<ChoiceDelta> deltas) {
        for (ChoiceDelta d : deltas) {
            int i = d.index();
            if (endpoint == Endpoint.CHAT && !opened[i]) {
                chat(into, i, new ChatCompletionChunk.Delta("assistant", ""), null, null);
            }
            opened[i] = true;
            boolean hasLogprobs = d.logprobs() != null && !d.logprobs().isEmpty();
            if (!d.text().isEmpty() || hasLogprobs) {
                if (endpoint == Endpoint.CHAT) {
                    chat(into, i, new ChatCompletionChunk.Delta(null, d.text()),
                            hasLogprobs ? chatLogprobs(d.logprobs()) : null, null);
                } else {
                    completion(into, i, d.text(), hasLogprobs ? completionLogprobs(d.logprobs()) : null, null);
                }
            }
            if (d.finished()) {
                if (endpoint == Endpoint.CHAT) {
                    chat(into, i, ChatCompletionChunk.Delta.EMPTY, null, d.openAiFinishReason());
                } else {
                    completion(into, i, "", null, d.openAiFinishReason());
                }
            }
        }
    }

    /** The {@code include_usage} event: empty {@code choices}, usage and metrics. */
    void appendUsage(Buffer into, StreamSummary s) {
        Object chunk = endpoint == Endpoint.CHAT
                ? new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, null, List.of(), s.usage(),
                        s.metrics())
                : new Completion(id, Completion.OBJECT, created, model, null, List.of(), s.usage(), s.metrics());
        SseWriter.frame(into, ApiCodec.encode(chunk));
    }

    /** Non-streamed: remembers the deltas. */
    void accumulate(List<ChoiceDelta> deltas) {
        for (ChoiceDelta d : deltas) {
            texts[d.index()].append(d.text());
            if (d.logprobs() != null) {
                logprobs.get(d.index()).addAll(d.logprobs());
            }
        }
    }

    /** Non-streamed: the whole body. */
    byte[] body(StreamSummary s) {
        int n = texts.length;
        if (endpoint == Endpoint.CHAT) {
            List<ChatCompletion.Choice> choices = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                choices.add(new ChatCompletion.Choice(i, new ChatCompletion.Message("assistant", texts[i].toString()),
                        wantLogprobs ? chatLogprobs(logprobs.get(i)) : null, reason(s, i)));
            }
            return ApiCodec.encode(new ChatCompletion(id, ChatCompletion.OBJECT, created, model, null, choices,
                    s.usage(), s.metrics()));
        }
        List<Completion.Choice> choices = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            choices.add(new Completion.Choice(i, texts[i].toString(),
                    wantLogprobs ? completionLogprobs(logprobs.get(i)) : null, reason(s, i)));
        }
        return ApiCodec.encode(new Completion(id, Completion.OBJECT, created, model, null, choices, s.usage(),
                s.metrics()));
    }

    private static String reason(StreamSummary s, int i) {
        return ChoiceDelta.openAiFinishReason(s.choices().get(i).finish());
    }

    private void chat(Buffer into, int index, ChatCompletionChunk.Delta delta, ChatLogprobs lp, String finish) {
        var chunk = new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, null,
                List.of(new ChatCompletionChunk.Choice(index, delta, lp, finish)), null, null);
        SseWriter.frame(into, ApiCodec.encode(chunk));
    }

    private void completion(Buffer into, int index, String text, CompletionLogprobs lp, String finish) {
        var chunk = new Completion(id, Completion.OBJECT, created, model, null,
                List.of(new Completion.Choice(index, text, lp, finish)), null, null);
        SseWriter.frame(into, ApiCodec.encode(chunk));
    }

    static ChatLogprobs chatLogprobs(List<TokenLogprob> lps) {
        List<ChatLogprobs.Entry> content = new ArrayList<>(lps.size());
        for (TokenLogprob t : lps) {
            List<ChatLogprobs.Top> top = new ArrayList<>(t.top().size());
            for (TokenLogprob.Alternative a : t.top()) {
                top.add(new ChatLogprobs.Top(a.token(), a.logprob(), unsigned(a.bytes())));
            }
            content.add(new ChatLogprobs.Entry(t.token(), t.logprob(), unsigned(t.bytes()), top));
        }
        return new ChatLogprobs(content);
    }

    static CompletionLogprobs completionLogprobs(List<TokenLogprob> lps) {
        List<String> tokens = new ArrayList<>(lps.size());
        List<Double> values = new ArrayList<>(lps.size());
        List<Map<String, Double>> tops = new ArrayList<>(lps.size());
        List<Integer> offsets = new ArrayList<>(lps.size());
        for (TokenLogprob t : lps) {
            tokens.add(t.token());
            values.add(t.logprob());
            Map<String, Double> top = new LinkedHashMap<>();
            for (TokenLogprob.Alternative a : t.top()) {
                top.putIfAbsent(a.token(), a.logprob());
            }
            tops.add(top);
            offsets.add(t.textOffset());
        }
        return new CompletionLogprobs(tokens, values, tops, offsets);
    }

    /** OpenAI sends bytes as a list of integers 0..255. */
    private static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }
}
