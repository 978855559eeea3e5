package dev.llmstream.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP side of {@code serve}; see {@link ConfigSchema} for each key.
 *
 * @param apiKeyHashes SHA-256 hashes (lower-case hex) of the accepted API keys; empty: no auth
 * @param requestTimeout zero: none
 * @param sendBufferBytes SO_SNDBUF of client connections (0: the OS default, autotuned)
 */
public record ServerConfig(String host, int port, int eventLoops, int tokenizerThreads, long maxBodyBytes,
                           int maxInFlight, int retryAfterSeconds, Duration requestTimeout, Duration keepAlive,
                           Duration drainTimeout, List<String> corsOrigins, List<String> apiKeyHashes,
                           String servedModelName, int defaultMaxTokens, int sendBufferBytes) {

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        corsOrigins = List.copyOf(corsOrigins);
        apiKeyHashes = List.copyOf(apiKeyHashes);
        servedModelName = servedModelName == null ? "" : servedModelName;
    }

    /** Defaults with an ephemeral port (tests). */
    public static ServerConfig forTests() {
        return ConfigLoader.defaults().server().withPort(0);
    }

    public boolean authEnabled() {
        return !apiKeyHashes.isEmpty();
    }

    public int resolvedEventLoops() {
        return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }

    public int resolvedTokenizerThreads() {
        return tokenizerThreads > 0 ? tokenizerThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, eventLoops, tokenizerThreads, maxBodyBytes, maxInFlight, retryAfterSeconds,
                requestTimeout, keepAlive, drainTimeout, corsOrigins, apiKeyHashes, servedModelName, defaultMaxTokens, sendBufferBytes);
    }

    public ServerConfig withApiKeyHashes(List<String> hashes) {
        return new ServerConfig(host, port, eventLoops, tokenizerThreads, maxBodyBytes, maxInFlight, retryAfterSeconds,
                requestTimeout, keepAlive, drainTimeout, corsOrigins, hashes, servedModelName, defaultMaxTokens, sendBufferBytes);
    }

    public ServerConfig withLimits(int inFlight, long bodyBytes, Duration timeout, Duration keepAliveEvery) {
        return new ServerConfig(host, port, eventLoops, tokenizerThreads, bodyBytes, inFlight, retryAfterSeconds,
                timeout, keepAliveEvery, drainTimeout, corsOrigins, apiKeyHashes, servedModelName, defaultMaxTokens, sendBufferBytes);
    }

    public ServerConfig withDrainTimeout(Duration d) {
        return new ServerConfig(host, port, eventLoops, tokenizerThreads, maxBodyBytes, maxInFlight, retryAfterSeconds,
                requestTimeout, keepAlive, d, corsOrigins, apiKeyHashes, servedModelName, defaultMaxTokens, sendBufferBytes);
    }

    public ServerConfig withSendBufferBytes(int bytes) {
        return new ServerConfig(host, port, eventLoops, tokenizerThreads, maxBodyBytes, maxInFlight, retryAfterSeconds,
                requestTimeout, keepAlive, drainTimeout, corsOrigins, apiKeyHashes, servedModelName, defaultMaxTokens,
                bytes);
    }

    public ServerConfig withCorsOrigins(List<String> origins) {
        return new ServerConfig(host, port, eventLoops, tokenizerThreads, maxBodyBytes, maxInFlight, retryAfterSeconds,
                requestTimeout, keepAlive, drainTimeout, origins, apiKeyHashes, servedModelName, defaultMaxTokens, sendBufferBytes);
    }
}
