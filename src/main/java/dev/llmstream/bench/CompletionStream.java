package dev.llmstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;

/**
 * What one OpenAI-style streaming response said, event by event: which events carried output and when,
 * the usage chunk, the finish reason, {@code [DONE]}, and in-stream errors. Works for both
 * {@code chat.completion.chunk} ({@code choices[].delta}) and {@code text_completion}
 * ({@code choices[].text}) events, whatever endpoint was called.
 *
 * <p>An event "carries output" when a choice has non-empty {@code delta.content},
 * {@code delta.reasoning_content}/{@code delta.reasoning} (reasoning models stream thoughts first),
 * {@code delta.tool_calls}, or {@code text}. A role-only first chunk or an empty trailer with just the
 * finish reason does not count: vLLM's bench takes the first event with a non-empty {@code choices}
 * array, so a server that sent its role chunk early would look faster there than it is; AIPerf also
 * ignores empty first responses.
 *
 * <p>Fed by one thread at a time (the HTTP client's body delivery); read after the body completes or,
 * on timeout, through {@link #snapshotChunks()} under the same lock.
 */
final class CompletionStream implements SseDecoder.Sink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean keepText;
    private long[] chunks = new long[64];
    private int chunkCount;
    private int events;
    private long lastEventNanos = -1;
    private boolean done;
    private String finishReason;
    private int promptTokens = -1;
    private int completionTokens = -1;
    private int cachedTokens = -1;
    private ErrorKind error;
    private String errorDetail;
    private final StringBuilder text;

    CompletionStream(boolean keepText) {
        this.keepText = keepText;
        this.text = keepText ? new StringBuilder() : null;
    }

    @Override
    public synchronized void onEvent(String type, String data, long nanos) {
        events++;
        lastEventNanos = nanos;
        if ("error".equals(type)) {
            fail(ErrorKind.SERVER_ERROR_EVENT, "event: error: " + abbreviate(data));
            return;
        }
        if (data.strip().equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(data);
        } catch (IOException e) {
            fail(ErrorKind.MALFORMED_SSE, "data is not JSON: " + abbreviate(data));
            return;
        }
        if (node == null || !node.isObject()) {
            fail(ErrorKind.MALFORMED_SSE, "data is not a JSON object: " + abbreviate(data));
            return;
        }
        JsonNode err = node.get("error");
        if (err != null && !err.isNull()) {
            JsonNode msg = err.get("message");
            fail(ErrorKind.SERVER_ERROR_EVENT, msg != null ? msg.asText() : abbreviate(err.toString()));
            return;
        }
        if (readChoices(node.get("choices"))) {
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunks.length * 2);
            }
            chunks[chunkCount++] = nanos;
        }
        readUsage(node.get("usage"));
    }

    /** Reads finish reasons and text; returns whether any choice carried output. */
    private boolean readChoices(JsonNode choices) {
        if (choices == null || !choices.isArray()) {
            return false;
        }
        boolean output = false;
        for (JsonNode c : choices) {
            JsonNode delta = c.get("delta");
            if (delta != null && delta.isObject()) {
                output |= appendText(delta.get("content"));
                output |= appendText(delta.get("reasoning_content"));
                output |= appendText(delta.get("reasoning"));
                JsonNode tools = delta.get("tool_calls");
                output |= tools != null && tools.isArray() && !tools.isEmpty();
            }
            output |= appendText(c.get("text"));
            JsonNode fr = c.get("finish_reason");
            if (fr != null && fr.isTextual()) {
                finishReason = fr.asText();
            }
        }
        return output;
    }

    private boolean appendText(JsonNode t) {
        if (t == null || !t.isTextual() || t.asText().isEmpty()) {
            return false;
        }
        if (keepText) {
            text.append(t.asText());
        }
        return true;
    }

    private void readUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        if (usage.path("prompt_tokens").canConvertToInt()) {
            promptTokens = usage.get("prompt_tokens").asInt();
        }
        if (usage.path("completion_tokens").canConvertToInt()) {
            completionTokens = usage.get("completion_tokens").asInt();
        }
        JsonNode cached = usage.path("prompt_tokens_details").path("cached_tokens");
        if (cached.canConvertToInt()) {
            cachedTokens = cached.asInt();
        }
    }

    private void fail(ErrorKind kind, String detail) {
        if (error == null) {
            error = kind;
            errorDetail = detail;
        }
    }

    static String abbreviate(String s) {
        String oneLine = s.replace('\n', ' ');
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    /** Output-bearing event times so far (absolute nanoTime). */
    synchronized long[] snapshotChunks() {
        return Arrays.copyOf(chunks, chunkCount);
    }

    synchronized int events() {
        return events;
    }

    synchronized long lastEventNanos() {
        return lastEventNanos;
    }

    synchronized boolean done() {
        return done;
    }

    synchronized String finishReason() {
        return finishReason;
    }

    synchronized int promptTokens() {
        return promptTokens;
    }

    synchronized int completionTokens() {
        return completionTokens;
    }

    synchronized int cachedTokens() {
        return cachedTokens;
    }

    synchronized ErrorKind error() {
        return error;
    }

    synchronized String errorDetail() {
        return errorDetail;
    }

    synchronized String text() {
        return keepText ? text.toString() : null;
    }
}
