package dev.llmstream.engine.cpu;

import dev.llmstream.engine.EngineInfo;
import dev.llmstream.engine.EngineListener;
import dev.llmstream.engine.EngineObserver;
import dev.llmstream.engine.EngineOverloadedException;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.EngineUnavailableException;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.engine.RequestHandle;
import dev.llmstream.engine.core.sampling.SamplerState;
import dev.llmstream.engine.core.scheduler.Sequence;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU engine: one {@code engine-loop} thread owns the scheduler, KV blocks and request table;
 * every other thread only posts messages (submit, cancel, close) to a lock-free inbox drained at the
 * top of each step. The loop parks when there is no work and is unparked by the next message.
 */
public final class CpuEngine implements InferenceEngine {
    private static final Logger LOG = LoggerFactory.getLogger(CpuEngine.class);

    private final CpuModel model;
    private final EngineStep step;
    private final EngineInfo info;
    private final int maxWaiting;
    private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSubmits = new AtomicInteger();
    private final AtomicLong admission = new AtomicLong();
    private final CopyOnWriteArrayList<EngineObserver> observers = new CopyOnWriteArrayList<>();
    private final Thread loop;
    private volatile boolean closed;
    private volatile EngineStats stats = EngineStats.EMPTY;
    private volatile int waitingSnapshot;

    private record Cancel(Sequence sequence) {}

    private record Close() {}

    private record ResetCounters() {}

    private CpuEngine(CpuModel model, EngineStep step, EngineInfo info, int maxWaiting) {
        this.model = model;
        this.step = step;
        this.info = info;
        this.maxWaiting = maxWaiting;
        this.loop = new Thread(this::run, "engine-loop");
        this.loop.setDaemon(true);
    }

    /** Loads the model, sizes the KV cache from the budget and starts the engine loop. */
    public static CpuEngine start(CpuEngineConfig config) throws IOException {
        CpuModel model = CpuModel.load(config);
        EngineStep step;
        try {
            step = new EngineStep(model, config);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        EngineInfo info = new EngineInfo("cpu", model.name(), model.config().vocabSize(), model.contextLength(),
                config.scheduler().maxBatchedTokens(), config.scheduler().maxSequences(), config.blockSize(),
                model.kv().numBlocks(), config.scheduler().prefixCaching(), "none");
        CpuEngine engine = new CpuEngine(model, step, info, config.scheduler().maxWaiting());
        engine.stats = step.stats();
        engine.loop.start();
        LOG.info("cpu engine ready: model {} ({}), {} KV blocks x {} tokens ({} MiB), {} compute threads, {} numerics",
                model.name(), model.config().arch(), model.kv().numBlocks(), config.blockSize(),
                model.kvBytes() >> 20, config.resolvedThreads(), config.numerics().name().toLowerCase(java.util.Locale.ROOT));
        return engine;
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    /** The loaded model (tokenizer metadata, config) for wiring. */
    public CpuModel model() {
        return model;
    }

    @Override
    public RequestHandle submit(EngineRequest request, EngineListener listener) {
        if (closed) {
            throw new EngineUnavailableException("engine is shut down");
        }
        int queued = inboxSubmits.get() + waitingSnapshot;
        if (queued >= maxWaiting) {
            throw new EngineOverloadedException(queued);
        }
        var sp = request.sampling();
        Sequence s = new Sequence(request, listener, admission.incrementAndGet(),
                new SamplerState(sp.seed(), sp.repetitionPenalty() != 1f,
                        sp.presencePenalty() != 0f || sp.frequencyPenalty() != 0f));
        inboxSubmits.incrementAndGet();
        inbox.add(s);
        LockSupport.unpark(loop);
        return new RequestHandle() {
            @Override
            public String requestId() {
                return request.id();
            }

            @Override
            public void cancel() {
                inbox.add(new Cancel(s));
                LockSupport.unpark(loop);
            }
        };
    }

    /**
     * Runs synthetic requests through the real code paths — a full-budget prefill chunk, then decode
     * steps at 1, 2, 4 and the maximum number of sequences — so the JIT has compiled the kernels before
     * the first user request arrives; then resets the counters. Returns the time it took. Every matmul
     * kernel shape must run here: one that first runs under load (two-token steps take the pair kernels,
     * which no other count reaches) executes the Vector API's interpreted fallback, thousands of times
     * slower and allocating, until C2 compiles it; a 16-sequence run lost about 5% of its time that way.
     */
    public java.time.Duration warmUp() throws InterruptedException {
        long t0 = System.nanoTime();
        int vocab = info.vocabSize();
        int prompt = Math.max(4, Math.min(64, Math.min(info.maxBatchedTokens(), info.contextLength() / 4)));
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        // rounds: one long prefill (strip kernels) + decode (one-token kernels); then batched decodes at 2 (pair
        // kernels), 4 and 16 sequences (quad kernels)
        int[][] rounds = {{1, prompt, 16}, {Math.min(2, info.maxSequences()), 8, 12}, {4, 8, 12},
                {Math.min(16, info.maxSequences()), 8, 8}};
        for (int[] round : rounds) {
            java.util.List<java.util.concurrent.CountDownLatch> done = new java.util.ArrayList<>();
            for (int i = 0; i < round[0]; i++) {
                int[] ids = r.ints(round[1], 0, vocab).toArray();
                var latch = new java.util.concurrent.CountDownLatch(1);
                done.add(latch);
                submit(EngineRequest.greedy("warmup-" + round[0] + "-" + i, ids, round[2]).withIgnoreEos(true), o -> {
                    if (o.finished()) {
                        latch.countDown();
                    }
                });
            }
            for (var l : done) {
                l.await();
            }
        }
        inbox.add(new ResetCounters());
        LockSupport.unpark(loop);
        return java.time.Duration.ofNanos(System.nanoTime() - t0);
    }

    @Override
    public EngineStats stats() {
        return stats;
    }

    @Override
    public void addObserver(EngineObserver observer) {
        observers.add(observer);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inbox.add(new Close());
        LockSupport.unpark(loop);
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.close();
    }

    private void run() {
        try {
            while (true) {
                if (drainInbox()) {
                    step.abortAll();
                    return;
                }
                boolean worked;
                try {
                    worked = step.run(observers);
                } catch (RuntimeException | Error e) {
                    LOG.error("engine step failed; failing the requests in flight", e);
                    step.failAll(e);
                    worked = false;
                }
                stats = step.stats();
                waitingSnapshot = stats.waiting();
                if (!worked && inbox.isEmpty()) {
                    LockSupport.park(this);
                }
            }
        } finally {
            step.close();
        }
    }

    /** Applies queued messages; returns true when asked to close. */
    private boolean drainInbox() {
        Object m;
        boolean close = false;
        while ((m = inbox.poll()) != null) {
            switch (m) {
                case Sequence s -> {
                    inboxSubmits.decrementAndGet();
                    step.admit(s);
                }
                case Cancel c -> step.cancel(c.sequence());
                case Close x -> close = true;
                case ResetCounters r -> step.resetCounters();
                default -> throw new IllegalStateException("unknown message " + m);
            }
        }
        return close;
    }
}
