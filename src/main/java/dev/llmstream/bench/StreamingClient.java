package dev.llmstream.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmstream.bench.workload.BenchPrompt;
import dev.llmstream.bench.workload.TokenCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one streaming request and turns whatever happens into a {@link RequestRecord}; it never throws for
 * a failed request. Thread-safe: many virtual threads share one instance and one {@link HttpClient}.
 *
 * <p>The body follows what vLLM's bench sends: {@code stream: true},
 * {@code stream_options.include_usage: true} (so output tokens come from the server's usage chunk),
 * {@code max_tokens}, {@code temperature} (0 = greedy by default), and with {@code --ignore-eos}
 * {@code ignore_eos: true} plus {@code min_tokens = max_tokens} (vLLM, TensorRT-LLM and llmstream honour
 * both; llama.cpp honours {@code ignore_eos}). {@code --extra-body} is merged last and wins. Each request
 * carries an {@code x-request-id} so server logs and traces can be matched to report lines.
 */
final class StreamingClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final BenchConfig config;
    private final String model;
    private final ObjectNode extraBody;
    private final TokenCounter outputCounter;
    private final String runId;

    /**
     * @param model resolved model name or null
     * @param outputCounter counts output text when a server sends no usage (a local tokenizer), or null
     */
    StreamingClient(HttpClient http, BenchConfig config, String model, TokenCounter outputCounter, String runId) {
        this.http = http;
        this.config = config;
        this.model = model;
        this.outputCounter = outputCounter;
        this.runId = runId;
        try {
            this.extraBody = config.extraBody() == null ? null : (ObjectNode) JSON.readTree(config.extraBody());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("extra body is not JSON", e); // validated in BenchConfig already
        }
    }

    /** The JSON body for {@code prompt}. */
    ObjectNode body(BenchPrompt prompt) {
        ObjectNode body = JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        if (config.endpoint() == BenchConfig.Endpoint.CHAT) {
            if (prompt.messages() != null) {
                body.set("messages", prompt.messages().deepCopy());
            } else {
                ArrayNode messages = body.putArray("messages");
                if (prompt.system() != null) {
                    messages.addObject().put("role", "system").put("content", prompt.system());
                }
                messages.addObject().put("role", "user").put("content", prompt.user());
            }
        } else {
            body.put("prompt", prompt.completionText());
        }
        body.put("max_tokens", prompt.maxTokens());
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        if (!Double.isNaN(config.temperature())) {
            body.put("temperature", config.temperature());
        }
        if (config.ignoreEos()) {
            body.put("ignore_eos", true);
            body.put("min_tokens", prompt.maxTokens());
        }
        if (extraBody != null) {
            body.setAll(extraBody.deepCopy());
        }
        return body;
    }

    /**
     * Sends request {@code index} (its id is {@code tag-index}) and waits for the whole stream.
     *
     * @param runStart nanoTime origin of the run
     * @param scheduledAt nanoTime the request was scheduled for (its latency origin), or
     *     {@link LoadDriver#AT_SEND} when the origin is the send itself (closed loop)
     */
    RequestRecord execute(String tag, int index, BenchPrompt prompt, long runStart, long scheduledAt) {
        String requestId = "bench-" + runId + "-" + tag + "-" + index;
        HttpRequest.Builder rb = HttpRequest.newBuilder(config.endpointUri())
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("x-request-id", requestId);
        config.headers().forEach(rb::header);
        try {
            rb.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body(prompt)), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree we built always serializes
        }
        boolean keepText = config.saveText() || outputCounter != null;
        SseBodySubscriber sub = new SseBodySubscriber(new CompletionStream(keepText));
        long sent = System.nanoTime();
        CompletableFuture<HttpResponse<SseBodySubscriber>> f = http.sendAsync(rb.build(), sub.handler());
        Outcome outcome = Outcome.FINISHED;
        Throwable transport = null;
        try {
            f.get(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            outcome = Outcome.TIMED_OUT;
        } catch (ExecutionException e) {
            transport = e.getCause();
        } catch (InterruptedException e) {
            outcome = Outcome.INTERRUPTED;
            Thread.currentThread().interrupt();
        }
        if (outcome != Outcome.FINISHED) {
            sub.cancel();
            f.cancel(true);
        }
        if (transport == null) {
            transport = sub.failure();
        }
        long origin = scheduledAt == LoadDriver.AT_SEND ? sent : scheduledAt;
        return record(index, requestId, prompt, runStart, origin, sent, sub, outcome, transport);
    }

    private enum Outcome { FINISHED, TIMED_OUT, INTERRUPTED }

    private RequestRecord record(int index, String requestId, BenchPrompt prompt, long runStart, long scheduledAt,
                                 long sent, SseBodySubscriber sub, Outcome outcome, Throwable transport) {
        CompletionStream s = sub.stream();
        long[] chunks = s.snapshotChunks();
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] -= sent;
        }
        long lastEvent = s.lastEventNanos();
        long end = lastEvent >= 0 ? lastEvent - sent : sub.endNanos() >= 0 ? sub.endNanos() - sent : -1;

        ErrorKind error = null;
        String detail = null;
        if (outcome == Outcome.INTERRUPTED) {
            error = ErrorKind.CANCELLED;
        } else if (outcome == Outcome.TIMED_OUT) {
            error = ErrorKind.TIMEOUT;
            detail = "no complete answer within " + config.timeout();
        } else if (transport != null) {
            error = classify(transport, s.events() > 0 || sub.status() == 200);
            detail = transport.getClass().getSimpleName() + ": " + transport.getMessage();
        } else if (sub.status() != 200) {
            error = ErrorKind.HTTP;
            detail = sub.errorBody();
        } else if (!sub.eventStream()) {
            error = ErrorKind.NOT_STREAMING;
            detail = "content-type " + sub.contentType() + ": " + sub.errorBody();
        } else if (s.error() != null) {
            error = s.error();
            detail = s.errorDetail();
        } else if (!s.done() && s.finishReason() == null) {
            error = ErrorKind.INCOMPLETE;
            detail = "stream ended before [DONE] or a finish_reason";
        } else if (chunks.length == 0) {
            error = ErrorKind.NO_OUTPUT;
            detail = "finish_reason " + s.finishReason() + " without output";
        }

        int outputTokens = chunks.length;
        String outputSource = "chunks";
        String text = s.text();
        if (s.completionTokens() >= 0) {
            outputTokens = s.completionTokens();
            outputSource = "usage";
        } else if (outputCounter != null && text != null) {
            try {
                outputTokens = outputCounter.count(text);
                outputSource = "tokenizer";
            } catch (IOException e) {
                // keep the chunk count; a local tokenizer does not do I/O here
            }
        }
        boolean usageInput = s.promptTokens() >= 0;
        return new RequestRecord(index, requestId, prompt.id(), prompt.group(),
                scheduledAt - runStart, sent - runStart, chunks, end,
                sub.status(), error, detail,
                usageInput ? s.promptTokens() : prompt.inputTokens(), usageInput ? "usage" : "workload",
                outputTokens, outputSource, s.cachedTokens(), prompt.maxTokens(), s.finishReason(), s.events(),
                config.saveText() ? text : null);
    }

    /** Transport failures: could not connect, timed out waiting for headers, or broke off (mid-stream). */
    static ErrorKind classify(Throwable t, boolean started) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
                return ErrorKind.CONNECT;
            }
            if (c instanceof HttpTimeoutException) {
                return ErrorKind.TIMEOUT;
            }
        }
        return started ? ErrorKind.INCOMPLETE : ErrorKind.IO;
    }
}
