package dev.llmstream.engine.trtllm;

import dev.llmstream.engine.EngineObserver;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.StepEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code trtllm-poller} thread: the only caller of {@code tls_poll} and
 * {@code tls_iteration_stats}, and the only thread that delivers outputs while the engine runs. Each
 * loop blocks in native code until ANY response is ready (or the poll timeout passes: no busy spin),
 * decodes the whole batch from one reusable buffer (one JNI crossing per batch, not per token),
 * routes each record to its request, delivers the finals decided on the Java side, and refreshes the
 * stats snapshot and step events. When a batch finishes requests, the stats are refreshed BEFORE the
 * listeners run, so a caller that saw a final output also sees the engine's counters include it.
 */
final class Poller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    private static final int MAX_BUFFER_BYTES = 256 << 20;
    private static final int ITER_STATS_BATCH = 64;

    /** A final output decided before the request reached the engine (rejection, enqueue failure). */
    record LocalFinal(InFlightRequest request, FinishReason reason, String error) {
    }

    private final NativeEngine engine;
    private final RequestRegistry registry;
    private final OutputAssembler assembler;
    private final EngineCounters counters;
    private final EngineClock clock;
    private final List<EngineObserver> observers;
    private final Consumer<String> onFatal;
    private final int timeoutMillis;
    private final Queue<LocalFinal> localFinals = new ConcurrentLinkedQueue<>();
    private final List<PollRecord> batch = new ArrayList<>();
    private volatile boolean running = true;
    private int bufferBytes;
    private BytePointer buffer;
    private ByteBuffer view;
    private long lastStatsNanos;

    Poller(NativeEngine engine, RequestRegistry registry, OutputAssembler assembler, EngineCounters counters,
           EngineClock clock, List<EngineObserver> observers, Consumer<String> onFatal, int timeoutMillis,
           int bufferBytes) {
        this.engine = engine;
        this.registry = registry;
        this.assembler = assembler;
        this.counters = counters;
        this.clock = clock;
        this.observers = observers;
        this.onFatal = onFatal;
        this.timeoutMillis = timeoutMillis;
        this.bufferBytes = bufferBytes;
    }

    /** Queues a Java-side final and wakes the poller to deliver it on its thread. */
    void finishLocally(LocalFinal f) {
        localFinals.add(f);
        engine.wake();
    }

    /** Asks the loop to end after its current poll; {@link NativeEngine#wake()} cuts that short. */
    void stop() {
        running = false;
        engine.wake();
    }

    @Override
    public void run() {
        TrtllmShim.PollResult result = new TrtllmShim.PollResult();
        TrtllmShim.Stats stats = new TrtllmShim.Stats();
        TrtllmShim.IterStats iter = new TrtllmShim.IterStats(ITER_STATS_BATCH);
        IntPointer iterCount = new IntPointer(1);
        allocate(bufferBytes);
        try {
            int timeout = timeoutMillis;
            while (running) {
                boolean more = pollOnce(timeout, result, stats, iter, iterCount);
                drainLocalFinals();
                long now = System.nanoTime();
                if (running && now - lastStatsNanos >= timeoutMillis * 1_000_000L) {
                    refreshStats(stats, iter, iterCount);
                }
                timeout = more ? 0 : timeoutMillis; // the shim has more ready: fetch it at once
            }
            drainLocalFinals();
        } catch (RuntimeException | Error e) {
            LOG.error("trtllm poller failed", e);
            onFatal.accept("the TensorRT-LLM poller failed: " + e);
        } finally {
            buffer.close();
            result.close();
            stats.close();
            iter.close();
            iterCount.close();
        }
    }

    /** One poll; returns true when the shim said more records are ready. */
    private boolean pollOnce(int timeout, TrtllmShim.PollResult result, TrtllmShim.Stats stats,
                             TrtllmShim.IterStats iter, IntPointer iterCount) {
        try {
            engine.poll(timeout, buffer, result);
        } catch (ShimCallException e) {
            if (e.code() == ShimCallException.BUFFER_TOO_SMALL && result.bytes() <= MAX_BUFFER_BYTES) {
                allocate((int) Math.max(result.bytes(), 2L * bufferBytes));
                return true;
            }
            if (!running) {
                return false;
            }
            running = false;
            onFatal.accept("TensorRT-LLM poll failed (" + ShimCallException.codeName(e.code()) + "): "
                    + e.getMessage());
            return false;
        }
        int count = result.count();
        if (count == 0) {
            return result.pending() != 0;
        }
        batch.clear();
        PollBufferDecoder.decode(view, result.bytes(), count, batch::add);
        boolean finals = false;
        for (PollRecord r : batch) {
            finals |= r.isFinal();
        }
        if (finals) {
            refreshStats(stats, iter, iterCount);
        }
        long now = System.nanoTime();
        for (PollRecord r : batch) {
            dispatch(r, now);
        }
        batch.clear();
        return result.pending() != 0;
    }

    private void dispatch(PollRecord rec, long now) {
        InFlightRequest f = registry.get(rec.clientId());
        if (f == null || f.isFinished()) {
            LOG.debug("record for request {} (client id {}) that is no longer in flight", rec.requestId(),
                    rec.clientId());
            return;
        }
        if (rec.isFinal() && !f.claimFinal()) {
            return;
        }
        EngineOutput out = assembler.onRecord(f, rec, now);
        if (out != null) {
            registry.deliver(f, out);
        }
    }

    private void drainLocalFinals() {
        LocalFinal lf;
        while ((lf = localFinals.poll()) != null) {
            InFlightRequest f = lf.request();
            if (f.claimFinal()) {
                registry.deliver(f, assembler.finalOutput(f, lf.reason(), lf.error(), System.nanoTime()));
            }
        }
    }

    private void refreshStats(TrtllmShim.Stats stats, TrtllmShim.IterStats iter, IntPointer iterCount) {
        lastStatsNanos = System.nanoTime();
        try {
            counters.gauges(readGauges(engine, stats));
            int n;
            do {
                n = engine.iterationStats(iter, iterCount);
                for (int i = 0; i < n; i++) {
                    emitStep(iter.position(i));
                }
            } while (n == ITER_STATS_BATCH);
        } catch (ShimCallException e) {
            LOG.debug("stats refresh failed: {}", e.getMessage());
        }
    }

    /** The native gauges into {@code stats} (a struct owned by the caller); any thread. */
    static EngineCounters.Gauges readGauges(NativeEngine engine, TrtllmShim.Stats stats) {
        engine.stats(stats);
        return new EngineCounters.Gauges(stats.active_requests(), stats.queued_requests(), stats.kv_max_blocks(),
                stats.kv_used_blocks(), stats.iterations());
    }

    private void emitStep(TrtllmShim.IterStats s) {
        if (observers.isEmpty()) {
            return;
        }
        long end = clock.toNanoTime(s.end_ns());
        double kvUsage = s.kv_max_blocks() > 0 && s.kv_used_blocks() >= 0
                ? (double) s.kv_used_blocks() / s.kv_max_blocks() : 0;
        StepEvent ev = new StepEvent(s.iter(), end - s.latency_ns(), end, s.context_tokens(), s.generation_requests(),
                new String[0], s.active_requests(), s.queued_requests(), kvUsage);
        for (EngineObserver o : observers) {
            try {
                o.onStep(ev);
            } catch (RuntimeException e) {
                LOG.warn("engine observer failed", e);
            }
        }
    }

    private void allocate(int bytes) {
        if (buffer != null) {
            buffer.close();
        }
        bufferBytes = Math.min(bytes, MAX_BUFFER_BYTES);
        buffer = new BytePointer(bufferBytes);
        view = buffer.asByteBuffer();
    }
}
