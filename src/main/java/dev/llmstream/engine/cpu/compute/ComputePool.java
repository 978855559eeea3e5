package dev.llmstream.engine.cpu.compute;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's own fork-join for kernel fan-out: {@code threads - 1} dedicated worker threads plus the
 * calling thread (the engine loop). Not the common pool, never shared with Vert.x.
 *
 * <p>A forward pass issues a few hundred parallel regions per step (one per matmul group and
 * attention), each a few to a few hundred microseconds long, so hand-off latency matters more than
 * anything else: workers spin briefly on a volatile epoch before parking, and the caller runs tasks
 * itself instead of waiting. Tasks are claimed with a CAS on one 64-bit word holding
 * {@code (epoch << 32) | nextIndex}, so a worker that wakes late from an earlier region can never claim
 * (and lose) an index of a newer one. No allocation per region.
 */
public final class ComputePool implements AutoCloseable {
    /** A region's body: called once per task index, from any pool thread. */
    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    private static final long SPIN_NANOS = 50_000;

    private final Thread[] workers;
    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger parked = new AtomicInteger();
    private volatile Task task;
    private volatile int taskCount;
    private volatile int epoch;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** @param threads total threads including the caller (>= 1) */
    public ComputePool(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, name + "-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Threads that execute tasks, the caller included. */
    public int parallelism() {
        return workers.length + 1;
    }

    /**
     * Runs {@code task.run(i)} for every {@code i} in {@code [0, n)} and returns when all are done.
     * Must be called from one thread at a time (the engine loop). A task's exception is rethrown here.
     */
    public void run(int n, Task body) {
        if (n <= 0) {
            return;
        }
        if (n == 1 || workers.length == 0) {
            for (int i = 0; i < n; i++) {
                body.run(i);
            }
            return;
        }
        int e = epoch + 1;
        task = body;
        taskCount = n;
        pending.set(n);
        claim.set((long) e << 32);
        epoch = e; // publishes task, taskCount and claim to workers
        if (parked.get() > 0) {
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
        }
        work(e, body, n);
        while (pending.get() > 0) {
            Thread.onSpinWait();
        }
        task = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(f);
        }
    }

    private void work(int e, Task body, int n) {
        while (true) {
            long c = claim.get();
            if ((int) (c >>> 32) != e) {
                return;
            }
            int i = (int) c;
            if (i >= n) {
                return;
            }
            if (!claim.compareAndSet(c, c + 1)) {
                continue;
            }
            try {
                body.run(i);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    private void workerLoop() {
        int seen = 0;
        while (!closed) {
            int e = epoch;
            if (e != seen) {
                seen = e;
                Task body = task;
                int n = taskCount;
                if (body != null) {
                    work(e, body, n);
                }
                continue;
            }
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (epoch == seen && !closed && System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            if (epoch == seen && !closed) {
                parked.incrementAndGet();
                if (epoch == seen && !closed) {
                    LockSupport.parkNanos(this, 100_000_000L); // unparked by run(); the timeout is only a safety net
                }
                parked.decrementAndGet();
            }
        }
    }

    /** Splits {@code [0, total)} into at most {@code maxChunks} contiguous ranges aligned to {@code align}. */
    public static int chunkCount(int total, int align, int maxChunks) {
        int units = (total + align - 1) / align;
        return Math.max(1, Math.min(units, maxChunks));
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
