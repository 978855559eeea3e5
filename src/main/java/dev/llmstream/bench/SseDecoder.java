package dev.llmstream.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental {@code text/event-stream} decoder following the WHATWG HTML "server-sent events"
 * interpretation rules: lines end with CRLF, LF or CR; a blank line dispatches the event; lines starting
 * with {@code :} are comments (keep-alives); {@code field: value} loses exactly one leading space of the
 * value; several {@code data} lines join with LF; an event with no data is not dispatched; an incomplete
 * event at the end of the stream is dropped (the spec's rule).
 *
 * <p>Each event carries the timestamp of the bytes that completed it (the blank line), which is when a
 * browser or SDK could first act on it. Bytes are split into lines before UTF-8 decoding, which is safe
 * because CR and LF never occur inside a multi-byte UTF-8 sequence. Not thread-safe: the HTTP client
 * delivers body buffers one at a time.
 */
public final class SseDecoder {

    /** Receives dispatched events. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param type the {@code event:} field, or {@code "message"} when absent
         * @param data the joined {@code data:} lines
         * @param nanos {@link System#nanoTime()} when the event's last bytes arrived
         */
        void onEvent(String type, String data, long nanos);
    }

    private final Sink sink;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String type;

    public SseDecoder(Sink sink) {
        this.sink = sink;
    }

    /** Feeds bytes that arrived at {@code nanos}. */
    public void feed(ByteBuffer bytes, long nanos) {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n') {
                if (afterCr) {
                    afterCr = false;
                    continue;
                }
                endLine(nanos);
            } else if (b == '\r') {
                endLine(nanos);
                afterCr = true;
            } else {
                afterCr = false;
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
            }
        }
    }

    /** Convenience for tests and simple callers. */
    public void feed(String text, long nanos) {
        feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), nanos);
    }

    /** Bytes of a line not yet ended, plus a pending undispatched event: both are dropped at end of stream. */
    public boolean hasPartialEvent() {
        return lineLength > 0 || hasData;
    }

    private void endLine(long nanos) {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (text.isEmpty()) {
            dispatch(nanos);
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "event" -> type = value;
            default -> { } // id, retry and unknown fields do not matter to a benchmark
        }
    }

    private void dispatch(long nanos) {
        if (!hasData) {
            type = null;
            return;
        }
        data.setLength(data.length() - 1);
        String t = type == null || type.isEmpty() ? "message" : type;
        String d = data.toString();
        data.setLength(0);
        hasData = false;
        type = null;
        sink.onEvent(t, d, nanos);
    }
}
