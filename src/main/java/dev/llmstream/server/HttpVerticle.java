package dev.llmstream.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.Executor;

/**
 * One HTTP server on one event loop. {@link LlmServer} deploys one instance per event loop on the
 * same port; Vert.x spreads connections over them, and each connection stays on its loop.
 */
final class HttpVerticle extends VerticleBase {
    private final ServerState state;
    private final Executor workers;
    private final int port;
    private HttpServer server;

    HttpVerticle(ServerState state, Executor workers, int port) {
        this.state = state;
        this.workers = workers;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(state.config.host())
                .setPort(port)
                .setTcpNoDelay(true) // a token chunk must leave now, not after Nagle's delay
                .setCompressionSupported(false);
        if (state.config.sendBufferBytes() > 0) {
            options.setSendBufferSize(state.config.sendBufferBytes());
        }
        server = vertx.createHttpServer(options).requestHandler(Routes.create(vertx, state, workers));
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    int actualPort() {
        return server.actualPort();
    }
}
