package dev.llmstream.server;

import dev.llmstream.api.ApiCodec;
import dev.llmstream.api.TokenizeApi;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The small endpoints: liveness ({@code /health}: 200 while the process serves HTTP), readiness
 * ({@code /ready}: 200 only when the model is loaded and warmed up and the server is not draining —
 * what a load balancer should route on), {@code /v1/models}, and vLLM's {@code /tokenize} /
 * {@code /detokenize} (run on the tokenizer pool: prompts can be long), and the Prometheus scrape
 * ({@code /metrics}, on a Vert.x worker: JVM gauges read MXBeans, and the event loop must not wait).
 */
final class InfoHandlers {
    private final ServerState state;
    private final Executor workers;

    InfoHandlers(ServerState state, Executor workers) {
        this.state = state;
        this.workers = workers;
    }

    void health(RoutingContext ctx) {
        json(ctx, 200, Map.of("status", "ok"));
    }

    void ready(RoutingContext ctx) {
        ServerState.Phase p = state.phase();
        boolean ready = p == ServerState.Phase.READY && state.modelOrNull() != null;
        if (!ready) {
            ctx.response().putHeader(HttpNames.RETRY_AFTER, "1");
        }
        json(ctx, ready ? 200 : 503, Map.of("status", ready ? "ready" : p.name().toLowerCase(java.util.Locale.ROOT)));
    }

    void models(RoutingContext ctx) {
        try {
            json(ctx, 200, state.readyModelOrLoaded().modelList());
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), state.errors.map(e));
        }
    }

    void tokenize(RoutingContext ctx) {
        offload(ctx, () -> {
            ServingModel m = state.readyModelOrLoaded();
            var req = TokenizeApi.tokenize(ApiCodec.readBody(bytes(ctx)));
            m.check(req.model());
            return m.tokenization().tokenize(req);
        });
    }

    void detokenize(RoutingContext ctx) {
        offload(ctx, () -> {
            ServingModel m = state.readyModelOrLoaded();
            var req = TokenizeApi.detokenize(ApiCodec.readBody(bytes(ctx)));
            m.check(req.model());
            return m.tokenization().detokenize(req);
        });
    }

    void metrics(RoutingContext ctx) {
        String accept = ctx.request().getHeader(HttpNames.ACCEPT);
        ctx.vertx().executeBlocking(() -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(16 << 10);
            String type = state.metrics.scrape(accept, out);
            return Map.entry(type, Buffer.buffer(out.toByteArray()));
        }, false).onComplete(r -> {
            if (ctx.response().closed()) {
                return;
            }
            if (r.failed()) {
                ErrorMapper.send(ctx.response(), state.errors.map(r.cause()));
            } else {
                ctx.response().setStatusCode(200).putHeader(HttpNames.CONTENT_TYPE, r.result().getKey())
                        .end(r.result().getValue());
            }
        });
    }

    private void offload(RoutingContext ctx, Supplier<Object> work) {
        Context context = ctx.vertx().getOrCreateContext();
        CompletableFuture.supplyAsync(work, workers).whenComplete((result, err) -> context.runOnContext(v -> {
            if (err != null) {
                ErrorMapper.send(ctx.response(), state.errors.map(err));
            } else {
                json(ctx, 200, result);
            }
        }));
    }

    private static byte[] bytes(RoutingContext ctx) {
        return ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpNames.CONTENT_TYPE, HttpNames.JSON)
                .end(Buffer.buffer(ApiCodec.encode(body)));
    }
}
