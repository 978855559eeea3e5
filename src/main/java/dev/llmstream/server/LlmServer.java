package dev.llmstream.server;

import dev.llmstream.api.ApiCodec;
import dev.llmstream.api.RequestParser;
import dev.llmstream.config.ServerConfig;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.frontend.ModelText;
import dev.llmstream.frontend.RequestObserver;
import dev.llmstream.frontend.RequestPreparer;
import dev.llmstream.frontend.Tokenization;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server's lifecycle. {@link #start} listens at once — {@code /health} answers 200 and
 * {@code /ready} 503 while the model loads and warms up; {@link #serve} installs the model and turns
 * ready; {@link #shutdown} drains: readiness 503 and new generation requests 503 at once, running
 * streams may finish until the drain timeout, the rest are cancelled (SSE error event), then the
 * listeners close. The engine belongs to the caller (it is closed after the server).
 */
public final class LlmServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LlmServer.class);

    private final Vertx vertx;
    private final ServerState state;
    private final ExecutorService workers;
    private final int port;

    private LlmServer(Vertx vertx, ServerState state, ExecutorService workers, int port) {
        this.vertx = vertx;
        this.state = state;
        this.workers = workers;
        this.port = port;
    }

    /** Binds the listeners (one per event loop) and returns once they accept connections; no {@code /metrics}. */
    public static LlmServer start(ServerConfig config, RequestObserver observer) {
        return start(config, observer, null);
    }

    /**
     * As {@link #start(ServerConfig, RequestObserver)}, serving {@code metrics} at {@code GET /metrics}
     * (null: 404).
     */
    public static LlmServer start(ServerConfig config, RequestObserver observer, MetricsEndpoint metrics) {
        int loops = config.resolvedEventLoops();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(1)
                .setPreferNativeTransport(true));
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(config.resolvedTokenizerThreads(), r -> {
            Thread t = new Thread(r, "tokenizer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ServerState state = new ServerState(config, observer, metrics);
        try {
            // one listener per event loop sharing one socket; Vert.x shares only equal ports, so port 0
            // ("any") is resolved to a free port first
            int port = config.port() != 0 ? config.port() : freePort(config.host());
            await(vertx.deployVerticle(() -> new HttpVerticle(state, workers, port),
                    new DeploymentOptions().setInstances(loops)));
            LOG.info("listening on http://{}:{} ({} event loops, {} tokenizer threads{})", config.host(), port, loops,
                    config.resolvedTokenizerThreads(), config.authEnabled() ? ", API keys required" : "");
            return new LlmServer(vertx, state, workers, port);
        } catch (RuntimeException e) {
            vertx.close();
            workers.shutdownNow();
            throw e;
        }
    }

    /**
     * Serves {@code engine} (already started and warmed up): warms the text side (template, tokenizer,
     * JSON) so the first request pays no JIT time there either, then turns ready.
     *
     * @param root where the model came from (the GGUF path), listed as {@code root}
     */
    public void serve(InferenceEngine engine, ModelText text, String root) {
        ServerConfig c = state.config;
        String id = c.servedModelName().isEmpty() ? engine.info().model() : c.servedModelName();
        RequestPreparer preparer = new RequestPreparer(text, engine.info().contextLength(), engine.info().vocabSize(),
                c.defaultMaxTokens(), workers);
        warmFrontend(preparer);
        state.model(new ServingModel(engine, preparer, new Tokenization(preparer), id, root,
                System.currentTimeMillis() / 1000));
        state.phase(ServerState.Phase.READY);
        LOG.info("ready: serving model '{}' on port {}", id, port);
    }

    private static void warmFrontend(RequestPreparer preparer) {
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < 200; i++) { // enough calls for the JIT to compile the text path
                preparer.prepare(RequestParser.chat(ApiCodec.tree(
                        "{\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},"
                                + "{\"role\":\"user\",\"content\":\"Warm-up " + i + ": say hello.\"}],"
                                + "\"max_tokens\":1}")), "warmup", System.nanoTime());
                preparer.prepare(RequestParser.completion(ApiCodec.tree(
                        "{\"prompt\":\"Warm-up " + i + "\",\"max_tokens\":1}")), "warmup", System.nanoTime());
            }
        } catch (RuntimeException e) {
            LOG.warn("text warm-up failed (requests will still be served): {}", e.getMessage());
        }
        LOG.info("text warm-up (template, tokenizer) done in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    private static int freePort(String host) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public boolean isReady() {
        return state.phase() == ServerState.Phase.READY;
    }

    /** Generation requests admitted and not yet finished. */
    public int inFlight() {
        return state.admission.inFlight();
    }

    /**
     * Graceful stop: not ready, refuse new work, let running requests finish for up to the drain
     * timeout, cancel the rest, close the listeners. Blocks; idempotent.
     */
    public synchronized void shutdown() {
        if (state.phase() == ServerState.Phase.STOPPED) {
            return;
        }
        state.phase(ServerState.Phase.DRAINING);
        Duration drain = state.config.drainTimeout();
        LOG.info("draining: {} requests in flight, waiting up to {} s", inFlight(), drain.toSeconds());
        if (!waitIdle(drain.toNanos()) ) {
            LOG.info("drain timeout: cancelling {} requests", state.active.size());
            state.active.forEach(GenerationExchange::cancelForShutdown);
            waitIdle(TimeUnit.SECONDS.toNanos(5));
        }
        state.phase(ServerState.Phase.STOPPED);
        try {
            await(vertx.close());
        } catch (RuntimeException e) {
            LOG.warn("closing the HTTP server failed", e);
        }
        workers.shutdownNow();
        LOG.info("server stopped");
    }

    @Override
    public void close() {
        shutdown();
    }

    private boolean waitIdle(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return inFlight() == 0;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("server start/stop failed: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("server start/stop timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
