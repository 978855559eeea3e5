package dev.llmstream.engine.trtllm;

import dev.llmstream.engine.EngineOutput;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests in flight, keyed by our client id: a request is registered BEFORE it is enqueued, so a
 * response that races ahead of {@code tls_enqueue}'s return can still be routed. Delivery removes a
 * request on its final output, which {@link InFlightRequest#claimFinal()} guarantees is the only one.
 */
final class RequestRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRegistry.class);

    private final ConcurrentHashMap<Long, InFlightRequest> byClientId = new ConcurrentHashMap<>();
    private final Object emptied = new Object();

    void add(InFlightRequest f) {
        byClientId.put(f.clientId, f);
    }

    InFlightRequest get(long clientId) {
        return byClientId.get(clientId);
    }

    /** Forgets a request that never reached the engine (its submit threw). */
    void remove(InFlightRequest f) {
        byClientId.remove(f.clientId, f);
        signalIfEmpty();
    }

    int size() {
        return byClientId.size();
    }

    List<InFlightRequest> snapshot() {
        return List.copyOf(byClientId.values());
    }

    /** Hands an output to the request's listener; a final one also unregisters the request. */
    void deliver(InFlightRequest f, EngineOutput out) {
        if (out.finished()) {
            byClientId.remove(f.clientId, f);
        }
        try {
            f.listener.onOutput(out);
        } catch (RuntimeException e) {
            LOG.warn("listener of request {} failed", f.request.id(), e);
        }
        if (out.finished()) {
            signalIfEmpty();
        }
    }

    /** Waits until no request is in flight or the timeout passes; true when empty. */
    boolean awaitEmpty(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (emptied) {
            while (!byClientId.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                emptied.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private void signalIfEmpty() {
        if (byClientId.isEmpty()) {
            synchronized (emptied) {
                emptied.notifyAll();
            }
        }
    }
}
