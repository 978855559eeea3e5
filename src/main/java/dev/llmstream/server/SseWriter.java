package dev.llmstream.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Server-sent events on one response, as OpenAI streams them: {@code data: <json>\n\n} per event
 * and {@code data: [DONE]\n\n} at the end (WHATWG HTML §9.2: an event is "data:" lines ended by a
 * blank line; one space after the colon is stripped by every parser). Lines starting with a colon
 * are comments that parsers ignore: sent as keep-alives whenever the stream has been silent for the
 * keep-alive interval, so a request waiting in the queue or in a long prefill keeps clients and
 * proxies with read timeouts (often 60 s) from giving up.
 *
 * <p>Backpressure: {@link #write} reports when the connection's write queue is full; the caller then
 * stops producing and resumes from {@link #onDrain}. Keep-alives are skipped while the queue is full
 * (the client is already behind). Confined to the response's event loop.
 */
public final class SseWriter {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
    private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final long keepAliveNanos;
    private final Runnable onWriteFailure;
    private long timer = -1;
    private long lastWriteNanos;
    private boolean ended;

    public SseWriter(Vertx vertx, HttpServerResponse response, Duration keepAlive, Runnable onWriteFailure) {
        this.vertx = vertx;
        this.response = response;
        this.keepAliveNanos = keepAlive.toNanos();
        this.onWriteFailure = onWriteFailure;
    }

    /** Appends one {@code data:} event holding {@code json} to {@code into}; returns {@code into}. */
    public static Buffer frame(Buffer into, byte[] json) {
        return into.appendBytes(DATA).appendBytes(json).appendBytes(END);
    }

    /** Writes the 200 and the event-stream headers now, and starts the keep-alive timer. */
    public void open() {
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpNames.CONTENT_TYPE, HttpNames.EVENT_STREAM)
                .putHeader(HttpNames.CACHE_CONTROL, "no-cache")
                .putHeader(HttpNames.ACCEL_BUFFERING, "no");
        response.writeHead().onFailure(e -> onWriteFailure.run());
        lastWriteNanos = System.nanoTime();
        long period = Math.max(1, keepAliveNanos / 2_000_000); // check twice per interval
        timer = vertx.setPeriodic(period, id -> keepAlive());
    }

    public boolean isOpen() {
        return timer >= 0 && !ended;
    }

    /**
     * Writes framed events. Returns false when the write queue is now full: stop writing until
     * {@link #onDrain} fires.
     */
    public boolean write(Buffer events) {
        if (ended || events.length() == 0) {
            return !ended;
        }
        lastWriteNanos = System.nanoTime();
        response.write(events).onFailure(e -> onWriteFailure.run());
        return !response.writeQueueFull();
    }

    /** Runs {@code resume} once when the client has caught up. */
    public void onDrain(Runnable resume) {
        response.drainHandler(v -> {
            response.drainHandler(null);
            resume.run();
        });
    }

    /** Writes {@code last} (may be empty), then {@code data: [DONE]}, and ends the response. */
    public void finish(Buffer last) {
        end(last.appendBuffer(DONE));
    }

    /** Writes {@code last} and ends the response without [DONE] (after an error event). */
    public void end(Buffer last) {
        if (ended) {
            return;
        }
        ended = true;
        stopTimer();
        if (!response.closed()) {
            response.end(last).onFailure(e -> onWriteFailure.run());
        }
    }

    /** Stops the keep-alive timer (the connection is gone). */
    public void abandon() {
        ended = true;
        stopTimer();
    }

    private void stopTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void keepAlive() {
        if (ended || response.closed()) {
            stopTimer();
            return;
        }
        if (System.nanoTime() - lastWriteNanos >= keepAliveNanos && !response.writeQueueFull()) {
            write(KEEP_ALIVE.copy());
        }
    }
}
