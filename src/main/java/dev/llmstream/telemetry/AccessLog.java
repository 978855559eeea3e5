package dev.llmstream.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.api.GenerationRequest;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.frontend.RequestInfo;
import dev.llmstream.frontend.StreamSummary;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One JSON line per generation request when it ends: ids (ours, the client's {@code X-Request-Id},
 * trace and span ids), outcome, HTTP status where known, finish reasons, token counts and the
 * timings of choice 0 in milliseconds (the response's {@code metrics} object). The prompt is never
 * written unless {@code telemetry.log_prompts} is on.
 *
 * <p>Formatting runs on the event loop (a few microseconds); the line goes to a sink that must not
 * block — in production the {@code llmstream.access} logger, which logback.xml sends through an
 * asynchronous, never-blocking appender to stdout.
 */
final class AccessLog {
    private static final JsonFactory JSON = new ObjectMapper().getFactory();

    private final boolean logPrompts;
    private final Consumer<String> sink;

    AccessLog(boolean logPrompts, Consumer<String> sink) {
        this.logPrompts = logPrompts;
        this.sink = sink;
    }

    void success(RequestInfo info, StreamSummary summary, long endNanos, SpanContext span) {
        write(info, span, g -> {
            g.writeStringField("outcome", TelemetryNames.OUTCOME_SUCCESS);
            g.writeNumberField("status", 200);
            g.writeArrayFieldStart("finish_reasons");
            for (String r : summary.finishReasons()) {
                g.writeString(r);
            }
            g.writeEndArray();
            g.writeNumberField("prompt_tokens", summary.usage().promptTokens());
            g.writeNumberField("cached_prompt_tokens", summary.usage().promptTokensDetails().cachedTokens());
            g.writeNumberField("completion_tokens", summary.usage().completionTokens());
            RequestMetrics m = summary.choices().isEmpty() ? null : summary.choices().getFirst().engineMetrics();
            if (m != null) {
                ms(g, "queue_ms", m.queueNanos());
                ms(g, "ttft_ms", m.ttftNanos());
                ms(g, "tpot_ms", Math.round(m.tpotNanos()));
                ms(g, "prefill_ms", m.prefillNanos());
                ms(g, "decode_ms", m.decodeNanos());
                g.writeNumberField("preemptions", m.preemptions());
                if (m.draftedTokens() > 0) {
                    g.writeNumberField("spec_draft_tokens", m.draftedTokens());
                    g.writeNumberField("spec_accepted_tokens", m.acceptedTokens());
                }
            }
            ms(g, "duration_ms", endNanos - info.arrivalNanos());
        });
    }

    /**
     * @param status the HTTP status if the answer was an error response, 0 when the stream had already
     *               started (its status was 200) or it is not known here
     */
    void failure(RequestInfo info, String outcome, String errorType, int status, long firstSentNanos, long endNanos,
                 SpanContext span) {
        write(info, span, g -> {
            g.writeStringField("outcome", outcome);
            if (status > 0) {
                g.writeNumberField("status", status);
            }
            g.writeStringField("error_type", errorType);
            if (firstSentNanos != 0) {
                ms(g, "ttft_ms", firstSentNanos - info.arrivalNanos());
            }
            ms(g, "duration_ms", endNanos - info.arrivalNanos());
        });
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private void write(RequestInfo info, SpanContext span, Body body) {
        StringWriter out = new StringWriter(384);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.now().toString());
            g.writeStringField("request_id", info.requestId());
            if (info.clientRequestId() != null) {
                g.writeStringField("client_request_id", info.clientRequestId());
            }
            if (span != null && span.isValid()) {
                g.writeStringField("trace_id", span.getTraceId());
                g.writeStringField("span_id", span.getSpanId());
            }
            g.writeStringField("operation", info.endpoint().operation());
            if (info.model() != null) {
                g.writeStringField("model", info.model());
            }
            g.writeBooleanField("stream", info.stream());
            g.writeNumberField("n", info.n());
            body.write(g);
            if (logPrompts && info.request() != null) {
                prompt(g, info.request());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        sink.accept(out.toString());
    }

    private static void prompt(JsonGenerator g, GenerationRequest r) throws IOException {
        if (r.messages() != null) {
            g.writeFieldName("messages");
            g.writeTree(r.messages());
        } else if (r.prompt() != null) {
            g.writeStringField("prompt", r.prompt());
        } else if (r.promptIds() != null) {
            g.writeFieldName("prompt_token_ids");
            g.writeArray(r.promptIds(), 0, r.promptIds().length);
        }
    }

    /** Milliseconds with microsecond resolution, as the response's metrics object. */
    private static void ms(JsonGenerator g, String field, long nanos) throws IOException {
        g.writeNumberField(field, Math.round(nanos / 1_000.0) / 1_000.0);
    }
}
