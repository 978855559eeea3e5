package dev.llmstream.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the generation requests the server holds at once (templating, queued in the engine,
 * running, or still streaming out). Beyond the bound a request gets 429 with Retry-After before
 * any 200 is written, so a client backs off instead of piling up. The engine's own waiting-queue
 * bound is the second line (also a 429). Lock-free; shared by all event loops.
 */
public final class Admission {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    public Admission(int limit) {
        this.limit = limit;
    }

    /** A permit, or null when full. */
    public Permit tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= limit) {
                return null;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return new Permit();
            }
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int limit() {
        return limit;
    }

    /** Released exactly once, however many paths reach the end of a request. */
    public final class Permit {
        private final AtomicBoolean released = new AtomicBoolean();

        public void release() {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        }
    }
}
