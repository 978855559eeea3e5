package dev.llmstream.server;

import dev.llmstream.config.ServerConfig;
import dev.llmstream.frontend.RequestObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every event loop shares: the lifecycle phase, the served model (set once loaded), admission,
 * auth, the error mapper, the observer, the metrics endpoint and the registry of running exchanges (for shutdown).
 * Fields are immutable or thread-safe; the phase and model are volatile.
 */
final class ServerState {

    /** Readiness: {@code /ready} is 200 only in READY; generation is refused in every other phase. */
    enum Phase { LOADING, READY, DRAINING, STOPPED }

    final ServerConfig config;
    final Admission admission;
    final ApiKeyAuth auth;
    final ErrorMapper errors;
    final RequestObserver observer;
    /** {@code GET /metrics}, or null when metrics are off (404). */
    final MetricsEndpoint metrics;
    final Set<GenerationExchange> active = ConcurrentHashMap.newKeySet();
    private volatile Phase phase = Phase.LOADING;
    private volatile ServingModel model;

    ServerState(ServerConfig config, RequestObserver observer, MetricsEndpoint metrics) {
        this.config = config;
        this.admission = new Admission(config.maxInFlight());
        this.auth = new ApiKeyAuth(config.apiKeyHashes());
        this.errors = new ErrorMapper(config.retryAfterSeconds());
        this.observer = observer == null ? RequestObserver.NONE : observer;
        this.metrics = metrics;
    }

    Phase phase() {
        return phase;
    }

    void phase(Phase p) {
        phase = p;
    }

    void model(ServingModel m) {
        model = m;
    }

    /** The served model, or null while none is loaded. */
    ServingModel modelOrNull() {
        return model;
    }

    /** The model for read-only endpoints (models, tokenize): also while draining; 503 before loading. */
    ServingModel readyModelOrLoaded() {
        ServingModel m = model;
        if (m == null) {
            throw new ServerRejection(ServerRejection.Kind.UNAVAILABLE,
                    "The model is still loading; retry when /ready answers 200");
        }
        return m;
    }

    /** The model if the server takes generation requests now, else a 503 naming why. */
    ServingModel readyModel() {
        ServingModel m = model;
        Phase p = phase;
        if (p == Phase.READY && m != null) {
            return m;
        }
        throw new ServerRejection(ServerRejection.Kind.UNAVAILABLE, switch (p) {
            case LOADING, READY -> "The model is still loading; retry when /ready answers 200";
            case DRAINING, STOPPED -> "The server is shutting down";
        });
    }
}
