package dev.llmstream.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What {@code GET /metrics} serves: a Prometheus exposition (telemetry implements it; the server only
 * moves the bytes). Called on a Vert.x worker thread, never on an event loop, so a scrape — which
 * the Kubernetes inference gateway runs 20 times a second — never delays a token.
 */
@FunctionalInterface
public interface MetricsEndpoint {

    /**
     * Writes the current metrics in the format {@code accept} asks for (Prometheus text by default,
     * OpenMetrics when asked) and returns the response's content type.
     *
     * @param accept the request's {@code Accept} header, or null
     */
    String scrape(String accept, OutputStream out) throws IOException;
}
