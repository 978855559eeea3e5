package dev.llmstream.server;

import dev.llmstream.api.ApiCodec;
import dev.llmstream.api.Endpoint;
import dev.llmstream.api.GenerationRequest;
import dev.llmstream.api.RequestParser;
import dev.llmstream.frontend.RequestInfo;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions} on the event loop: decode and
 * validate the body (400 naming the field), check the model (404), take an admission permit (429 +
 * Retry-After), then hand over to a {@link GenerationExchange}. Nothing here blocks: the prompt is
 * rendered and tokenized on the worker pool.
 */
final class GenerationHandler implements Handler<RoutingContext> {
    private final ServerState state;
    private final Endpoint endpoint;

    GenerationHandler(ServerState state, Endpoint endpoint) {
        this.state = state;
        this.endpoint = endpoint;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long arrival = System.nanoTime();
        String id = endpoint.idPrefix() + randomId();
        String clientId = ctx.request().getHeader(HttpNames.REQUEST_ID);
        ctx.response().putHeader(HttpNames.REQUEST_ID, clientId != null ? clientId : id);
        RequestInfo info = new RequestInfo(id, endpoint, null, false, 1, null, arrival, traceHeaders(ctx), clientId,
                null);
        try {
            ServingModel model = state.readyModel();
            byte[] body = ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
            GenerationRequest req = endpoint == Endpoint.CHAT
                    ? RequestParser.chat(ApiCodec.readBody(body))
                    : RequestParser.completion(ApiCodec.readBody(body));
            model.check(req.model());
            info = new RequestInfo(id, endpoint, model.id(), req.stream(), req.n(), req.maxTokens(), arrival,
                    info.traceHeaders(), clientId, req);
            RequestInfo arrived = info;
            safely(() -> state.observer.onArrival(arrived));
            Admission.Permit permit = state.admission.tryAcquire();
            if (permit == null) {
                throw new ServerRejection(ServerRejection.Kind.RATE_LIMITED, "Too many requests in flight ("
                        + state.admission.limit() + "); retry later");
            }
            new GenerationExchange(state, model, ctx.vertx(), ctx.response(), req, info, permit).begin();
        } catch (RuntimeException e) {
            ErrorMapper.HttpError error = state.errors.map(e);
            RequestInfo rejected = info;
            safely(() -> state.observer.onRejected(rejected, error.status(), error.type()));
            ErrorMapper.send(ctx.response(), error);
        }
    }

    private static Map<String, String> traceHeaders(RoutingContext ctx) {
        String tp = ctx.request().getHeader(HttpNames.TRACEPARENT);
        if (tp == null) {
            return Map.of();
        }
        Map<String, String> m = new HashMap<>(2);
        m.put(HttpNames.TRACEPARENT, tp);
        String ts = ctx.request().getHeader(HttpNames.TRACESTATE);
        if (ts != null) {
            m.put(HttpNames.TRACESTATE, ts);
        }
        return m;
    }

    /** 24 random hex digits (96 bits): unique enough for ids, cheap on the event loop. */
    private static String randomId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("%016x%08x", r.nextLong(), r.nextInt());
    }

    private static void safely(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(GenerationHandler.class).warn("request observer failed", e);
        }
    }
}
