package dev.llmstream.server;

import dev.llmstream.api.GenerationRequest;
import dev.llmstream.engine.EngineException;
import dev.llmstream.frontend.ChoiceDelta;
import dev.llmstream.frontend.PreparedRequest;
import dev.llmstream.frontend.RequestInfo;
import dev.llmstream.frontend.RequestStream;
import dev.llmstream.frontend.StreamSummary;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admitted generation request from prompt preparation to the last byte, on its event loop:
 * prepare on the worker pool → submit every choice (a refusal is still a clean 429/503, nothing was
 * written) → write 200 + SSE headers (or wait, for a JSON answer) → write each drain's chunks →
 * final chunks / usage / {@code [DONE]} or the JSON body. It is the {@link RequestStream.Sink}, so
 * streaming and non-streaming share the whole pipeline and differ only here.
 *
 * <p>Whatever ends the request — completion, engine failure, timeout, shutdown, the client closing
 * or a failed write — goes through {@link #terminate}, which releases the admission permit, the
 * timer and the registry entry exactly once; cancelling in the engine frees the KV blocks.
 */
final class GenerationExchange implements RequestStream.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationExchange.class);

    private final ServerState state;
    private final ServingModel model;
    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse response;
    private final GenerationRequest request;
    private final RequestInfo info;
    private final Admission.Permit permit;
    private final ResponseEncoder encoder;
    private RequestStream stream;
    private SseWriter sse;
    private long timeoutTimer = -1;
    private boolean clientGone;
    private boolean firstToken;
    private boolean terminated;

    GenerationExchange(ServerState state, ServingModel model, Vertx vertx, HttpServerResponse response,
                       GenerationRequest request, RequestInfo info, Admission.Permit permit) {
        this.state = state;
        this.model = model;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.response = response;
        this.request = request;
        this.info = info;
        this.permit = permit;
        this.encoder = new ResponseEncoder(request.endpoint(), info.requestId(), model.id(),
                System.currentTimeMillis() / 1000, request.n(), request.logprobs());
    }

    /** Starts preparation on the worker pool; continues on this event loop. */
    void begin() {
        response.closeHandler(v -> onClientGone());
        response.exceptionHandler(e -> onClientGone());
        model.preparer().prepareAsync(request, info.requestId(), info.arrivalNanos())
                .whenComplete((p, err) -> context.runOnContext(v -> onPrepared(p, err)));
    }

    private void onPrepared(PreparedRequest prepared, Throwable err) {
        if (err != null) {
            reject(err);
            return;
        }
        if (clientGone) {
            terminate("client_closed", "the client closed the connection before generation started");
            return;
        }
        Executor hop = task -> context.runOnContext(v -> task.run());
        stream = new RequestStream(prepared, model.preparer().text(), hop, this);
        try {
            state.readyModel(); // draining may have begun while the prompt was prepared
            stream.start(model.engine());
        } catch (EngineException | ServerRejection e) {
            reject(e);
            return;
        }
        state.active.add(this);
        safely(() -> state.observer.onAdmitted(info, prepared.promptTokens()));
        long timeoutMs = state.config.requestTimeout().toMillis();
        if (timeoutMs > 0) {
            timeoutTimer = vertx.setTimer(timeoutMs, id -> stream.cancel(RequestStream.CancelCause.TIMEOUT));
        }
        if (request.stream()) {
            sse = new SseWriter(vertx, response, state.config.keepAlive(), this::onClientGone);
            sse.open();
        }
    }

    /** Refused before anything was written: the error as the whole response. */
    private void reject(Throwable err) {
        ErrorMapper.HttpError e = state.errors.map(err);
        safely(() -> state.observer.onRejected(info, e.status(), e.type()));
        ErrorMapper.send(response, e);
        terminated = true;
        release();
    }

    @Override
    public void onDeltas(List<ChoiceDelta> deltas) {
        if (!firstToken) {
            firstToken = true;
            long now = System.nanoTime();
            safely(() -> state.observer.onFirstToken(info, now));
        }
        if (sse == null) {
            encoder.accumulate(deltas);
            return;
        }
        Buffer events = Buffer.buffer(256 * deltas.size());
        encoder.appendEvents(events, deltas);
        if (!sse.write(events)) {
            // the client is behind: stop draining (outputs wait in the mailbox, the engine goes on)
            LOG.debug("{}: client is behind, pausing its stream", info.requestId());
            safely(() -> state.observer.onBackpressure(info));
            stream.pause();
            sse.onDrain(stream::resume);
        }
    }

    @Override
    public void onTokens(int choice, int tokens, long gapNanos) {
        try {
            state.observer.onTokens(info, tokens, gapNanos); // per output: no lambda, no allocation
        } catch (RuntimeException e) {
            LOG.warn("request observer failed", e);
        }
    }

    @Override
    public void onComplete(StreamSummary summary) {
        if (sse != null) {
            Buffer last = Buffer.buffer();
            if (request.includeUsage()) {
                encoder.appendUsage(last, summary);
            }
            sse.finish(last);
        } else if (!response.closed()) {
            response.setStatusCode(200).putHeader(HttpNames.CONTENT_TYPE, HttpNames.JSON)
                    .end(Buffer.buffer(encoder.body(summary)));
        }
        safely(() -> state.observer.onFinish(info, summary));
        terminate(null, null);
    }

    @Override
    public void onFailure(String message) {
        fail(state.errors.engineFailure(message), "server_error", message);
    }

    @Override
    public void onCancelled(RequestStream.CancelCause cause) {
        switch (cause) {
            case CLIENT_GONE -> {
                if (sse != null) {
                    sse.abandon();
                }
                terminate("client_closed", "the client went away");
            }
            case TIMEOUT -> fail(state.errors.map(new ServerRejection(ServerRejection.Kind.TIMEOUT,
                    "The request took longer than " + state.config.requestTimeout().toSeconds() + " s")),
                    "timeout", "request timeout");
            case SHUTDOWN -> fail(state.errors.map(new ServerRejection(ServerRejection.Kind.UNAVAILABLE,
                    "The server is shutting down; the request was stopped")), "shutdown", "server shutdown");
        }
    }

    /** Ends with an error: an SSE error event if the stream started, else the error response. */
    private void fail(ErrorMapper.HttpError error, String type, String message) {
        if (sse != null) {
            sse.end(ErrorMapper.sseEvent(error));
        } else {
            ErrorMapper.send(response, error);
        }
        terminate(type, message);
    }

    /** The connection closed or a write failed: cancel in the engine at once. */
    private void onClientGone() {
        if (clientGone || terminated) {
            return;
        }
        clientGone = true;
        if (stream != null) {
            stream.cancel(RequestStream.CancelCause.CLIENT_GONE);
        } // else: still preparing; onPrepared sees clientGone and releases
    }

    /** Shutdown after the drain timeout: stop this request (called from any thread). */
    void cancelForShutdown() {
        context.runOnContext(v -> {
            if (stream != null) {
                stream.cancel(RequestStream.CancelCause.SHUTDOWN);
            }
        });
    }

    private void terminate(String errorType, String message) {
        if (terminated) {
            return;
        }
        terminated = true;
        if (errorType != null) {
            safely(() -> state.observer.onError(info, errorType, message));
        }
        release();
    }

    private void release() {
        if (timeoutTimer >= 0) {
            vertx.cancelTimer(timeoutTimer);
        }
        state.active.remove(this);
        permit.release();
    }

    private static void safely(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            LOG.warn("request observer failed", e);
        }
    }
}
