package dev.llmstream.bench;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Body subscriber of one streaming request: stamps every body buffer with {@link System#nanoTime()} the
 * moment the HTTP client hands it over, before any parsing, and feeds it through {@link SseDecoder} into
 * a {@link CompletionStream}. This is as close to "when the bytes arrived" as {@code java.net.http}
 * allows (a line-based {@code BodyHandlers.ofLines()} would stamp when the reading thread gets round to a
 * line instead).
 *
 * <p>A non-200 answer is kept (up to 4 KiB) for the error detail instead of being decoded. A transport
 * failure part-way through completes the body normally with {@link #failure()} set, so the chunks
 * already timed stay in the record ("errors are values").
 */
final class SseBodySubscriber implements HttpResponse.BodySubscriber<SseBodySubscriber> {
    private static final int MAX_ERROR_BODY = 4096;

    private final CompletionStream stream;
    private final SseDecoder decoder;
    private final CompletableFuture<SseBodySubscriber> body = new CompletableFuture<>();
    private final ByteArrayOutputStream errorBody = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;
    private volatile int status;
    private volatile boolean eventStream;
    private volatile String contentType;
    private volatile long endNanos = -1;
    private volatile Throwable failure;
    private volatile boolean cancelled;

    SseBodySubscriber(CompletionStream stream) {
        this.stream = stream;
        this.decoder = new SseDecoder(stream);
    }

    /** The body handler: records status and content type, then subscribes this. */
    HttpResponse.BodyHandler<SseBodySubscriber> handler() {
        return info -> {
            status = info.statusCode();
            contentType = info.headers().firstValue("content-type").orElse("");
            // A missing content type is read as SSE: some minimal servers omit it.
            eventStream = contentType.isEmpty()
                    || contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
            return this;
        };
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        long now = System.nanoTime();
        if (status == 200 && eventStream) {
            for (ByteBuffer b : items) {
                decoder.feed(b, now);
            }
            return;
        }
        synchronized (errorBody) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), MAX_ERROR_BODY - errorBody.size());
                if (n > 0) {
                    byte[] bytes = new byte[n];
                    b.get(bytes);
                    errorBody.write(bytes, 0, n);
                }
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        endNanos = System.nanoTime();
        failure = t;
        body.complete(this);
    }

    @Override
    public void onComplete() {
        endNanos = System.nanoTime();
        body.complete(this);
    }

    @Override
    public CompletionStage<SseBodySubscriber> getBody() {
        return body;
    }

    /** Stops reading (timeout, run interrupted): the connection is dropped, which a server sees as a cancel. */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        body.complete(this);
    }

    CompletionStream stream() {
        return stream;
    }

    int status() {
        return status;
    }

    boolean eventStream() {
        return eventStream;
    }

    String contentType() {
        return contentType;
    }

    /** nanoTime at the end of the body (complete or failed), -1 while it is still open. */
    long endNanos() {
        return endNanos;
    }

    Throwable failure() {
        return failure;
    }

    /** The start of a non-200 (or non-SSE) body, one line. */
    String errorBody() {
        synchronized (errorBody) {
            return CompletionStream.abbreviate(errorBody.toString(StandardCharsets.UTF_8));
        }
    }
}
