package dev.llmstream.server;

import dev.llmstream.api.Endpoint;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The router table: CORS (only when origins are configured; off by default, so browsers on other
 * origins cannot call the API), API-key check (all routes but the probes), body limit (413), the
 * handlers, and a failure handler that answers every routing failure in OpenAI's error format.
 */
final class Routes {
    private Routes() {}

    static Router create(Vertx vertx, ServerState state, Executor workers) {
        Router router = Router.router(vertx);
        if (!state.config.corsOrigins().isEmpty()) {
            CorsHandler cors = CorsHandler.create()
                    .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                    .allowedHeaders(Set.of(HttpNames.AUTHORIZATION, HttpNames.CONTENT_TYPE, HttpNames.REQUEST_ID));
            if (state.config.corsOrigins().contains("*")) {
                cors.addOrigin("*");
            } else {
                cors.addOrigins(state.config.corsOrigins());
            }
            router.route().handler(cors);
        }
        if (state.auth.enabled()) {
            router.route().handler(ctx -> authorize(ctx, state));
        }
        BodyHandler body = BodyHandler.create(false).setBodyLimit(state.config.maxBodyBytes());
        InfoHandlers info = new InfoHandlers(state, workers);
        router.post(HttpNames.CHAT_COMPLETIONS).handler(body).handler(new GenerationHandler(state, Endpoint.CHAT));
        router.post(HttpNames.COMPLETIONS).handler(body).handler(new GenerationHandler(state, Endpoint.COMPLETION));
        router.get(HttpNames.MODELS).handler(info::models);
        router.post(HttpNames.TOKENIZE).handler(body).handler(info::tokenize);
        router.post(HttpNames.DETOKENIZE).handler(body).handler(info::detokenize);
        router.get(HttpNames.HEALTH).handler(info::health);
        router.get(HttpNames.READY).handler(info::ready);
        if (state.metrics != null) {
            router.get(HttpNames.METRICS).handler(info::metrics);
        }
        router.route().last().handler(ctx -> ErrorMapper.send(ctx.response(), state.errors.map(
                HttpNames.ROUTES.contains(ctx.request().path())
                        ? new ServerRejection(ServerRejection.Kind.METHOD_NOT_ALLOWED, ctx.request().method()
                                + " is not allowed on " + ctx.request().path())
                        : new ServerRejection(ServerRejection.Kind.NOT_FOUND, "Unknown route " + ctx.request().method()
                                + " " + ctx.request().path()))));
        router.route().failureHandler(ctx -> failure(ctx, state));
        return router;
    }

    private static void authorize(RoutingContext ctx, ServerState state) {
        if (HttpNames.PUBLIC_ROUTES.contains(ctx.request().path())
                || (ctx.request().method() == HttpMethod.OPTIONS && !state.config.corsOrigins().isEmpty())
                || state.auth.allows(ctx.request().getHeader(HttpNames.AUTHORIZATION))) {
            ctx.next();
            return;
        }
        ErrorMapper.send(ctx.response(), state.errors.map(new ServerRejection(ServerRejection.Kind.UNAUTHORIZED,
                "Incorrect or missing API key: send it as 'Authorization: Bearer KEY'")));
    }

    private static void failure(RoutingContext ctx, ServerState state) {
        Throwable cause = ctx.failure();
        ServerRejection rejection = switch (ctx.statusCode()) {
            case 413 -> new ServerRejection(ServerRejection.Kind.BODY_TOO_LARGE,
                    "The request body is larger than " + state.config.maxBodyBytes() + " bytes");
            case 404 -> new ServerRejection(ServerRejection.Kind.NOT_FOUND, "Unknown route " + ctx.request().path());
            case 405 -> new ServerRejection(ServerRejection.Kind.METHOD_NOT_ALLOWED,
                    ctx.request().method() + " is not allowed on " + ctx.request().path());
            default -> null;
        };
        if (rejection != null || cause == null) {
            ErrorMapper.send(ctx.response(), state.errors.map(rejection != null ? rejection
                    : new IllegalStateException("routing failed with status " + ctx.statusCode())));
            return;
        }
        ErrorMapper.send(ctx.response(), state.errors.map(cause));
    }
}
