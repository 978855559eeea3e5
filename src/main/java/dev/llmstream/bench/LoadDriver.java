package dev.llmstream.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Offers requests to an executor under a {@link LoadShape}, one virtual thread per request in flight, and
 * collects the records. Bounded by a request count and optionally a duration: no request starts (closed
 * loop) or is scheduled (open loop) after the duration; requests in flight are always waited for.
 *
 * <p>Closed loop: {@code C} clients loop "take the next index, send, wait for the end"; with a ramp-up
 * client {@code w} starts at {@code w·rampUp/C}. Each request's latency origin is its own send time.
 *
 * <p>Open loop: the calling thread sleeps until each scheduled time ({@link ArrivalSchedule}), waits for
 * a slot under the cap if there is one, and starts the request. The request's origin stays its scheduled
 * time however late it starts, so client-side queueing shows up in its latency instead of silently
 * lowering the offered load (coordinated omission, Gil Tene's term).
 */
final class LoadDriver {

    /** {@code scheduledAt} of a closed-loop request: its latency origin is the moment it is sent. */
    static final long AT_SEND = Long.MIN_VALUE;

    /**
     * Runs request {@code index} whose latency origin is {@code scheduledAt} (nanoTime), or its send time
     * for {@link #AT_SEND}. Must not throw.
     */
    @FunctionalInterface
    interface RequestExecutor {
        RequestRecord execute(int index, long scheduledAt);
    }

    private final LoadShape shape;
    private final int requests;
    private final Duration duration;
    private final Duration rampUp;
    private final long seed;

    LoadDriver(LoadShape shape, int requests, Duration duration, Duration rampUp, long seed) {
        this.shape = shape;
        this.requests = requests;
        this.duration = duration;
        this.rampUp = rampUp == null ? Duration.ZERO : rampUp;
        this.seed = seed;
    }

    /**
     * Runs the load starting at {@code runStart} (nanoTime) and returns the records in index order.
     *
     * @param onDone called on the request's thread after each request (progress)
     * @throws InterruptedException if the calling thread is interrupted while dispatching (requests already
     *     started still finish; their records are lost with the exception)
     */
    List<RequestRecord> run(long runStart, RequestExecutor executor, Consumer<RequestRecord> onDone)
            throws InterruptedException {
        long deadline = duration == null ? Long.MAX_VALUE : runStart + duration.toNanos();
        ConcurrentLinkedQueue<RequestRecord> out = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> bug = new AtomicReference<>();
        Consumer<RequestRecord> collect = r -> {
            out.add(r);
            onDone.accept(r);
        };
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            switch (shape) {
                case LoadShape.Closed closed -> closedLoop(closed, runStart, deadline, executor, collect, threads, bug);
                case LoadShape.Open open -> openLoop(open, runStart, deadline, executor, collect, threads, bug);
            }
        }
        if (bug.get() != null) {
            throw new IllegalStateException("a request thread failed", bug.get());
        }
        List<RequestRecord> records = new ArrayList<>(out);
        records.sort(Comparator.comparingInt(RequestRecord::index));
        return records;
    }

    private void closedLoop(LoadShape.Closed closed, long runStart, long deadline, RequestExecutor executor,
                            Consumer<RequestRecord> collect, ExecutorService threads, AtomicReference<Throwable> bug) {
        int c = closed.concurrency();
        AtomicInteger next = new AtomicInteger();
        for (int w = 0; w < c; w++) {
            long startAt = runStart + rampUp.toNanos() * w / c;
            threads.submit(() -> {
                try {
                    sleepUntil(startAt);
                    while (System.nanoTime() < deadline) {
                        int i = next.getAndIncrement();
                        if (i >= requests) {
                            break;
                        }
                        collect.accept(executor.execute(i, AT_SEND));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    bug.compareAndSet(null, e);
                }
            });
        }
    }

    private void openLoop(LoadShape.Open open, long runStart, long deadline, RequestExecutor executor,
                          Consumer<RequestRecord> collect, ExecutorService threads, AtomicReference<Throwable> bug)
            throws InterruptedException {
        ArrivalSchedule schedule = new ArrivalSchedule(open, rampUp, seed);
        Semaphore cap = open.maxConcurrency() > 0 ? new Semaphore(open.maxConcurrency()) : null;
        for (int i = 0; i < requests; i++) {
            long at = runStart + schedule.nextOffsetNanos();
            if (at >= deadline && i > 0) {
                break;
            }
            sleepUntil(at);
            if (cap != null) {
                cap.acquire();
            }
            int index = i;
            threads.submit(() -> {
                try {
                    collect.accept(executor.execute(index, at));
                } catch (RuntimeException | Error e) {
                    bug.compareAndSet(null, e);
                } finally {
                    if (cap != null) {
                        cap.release();
                    }
                }
            });
        }
    }

    /** Parks until {@code nanoTime >= target} (parkNanos may wake early). */
    static void sleepUntil(long target) throws InterruptedException {
        long d;
        while ((d = target - System.nanoTime()) > 0) {
            LockSupport.parkNanos(d);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
