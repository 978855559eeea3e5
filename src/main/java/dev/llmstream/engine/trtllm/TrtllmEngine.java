package dev.llmstream.engine.trtllm;

import dev.llmstream.engine.EngineInfo;
import dev.llmstream.engine.EngineListener;
import dev.llmstream.engine.EngineObserver;
import dev.llmstream.engine.EngineOverloadedException;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.EngineUnavailableException;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.engine.RequestHandle;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TensorRT-LLM engine: TensorRT-LLM's C++ Executor (in-flight batching, paged KV cache with block
 * reuse, speculative decoding) behind the C shim, driven from Java.
 *
 * <p>Threads. {@link #submit} validates in Java, registers the request and calls {@code tls_enqueue}
 * on the caller's thread: the shim only copies the request into the Executor's queue under a brief
 * mutex (no GPU wait), and doing it inline makes a full queue a synchronous
 * {@link EngineOverloadedException}, as the SPI promises. {@link RequestHandle#cancel()} likewise
 * calls {@code tls_cancel}. Everything else (polling, routing outputs to listeners, stats) happens
 * on one {@code trtllm-poller} thread ({@link Poller}), so each request's outputs arrive in order on
 * one thread, exactly once final.
 *
 * <p>Shutdown ({@link #close()}): new submits are refused, every request in flight is cancelled and
 * its final CANCELLED record awaited (delivered as ABORT), the poller stops, any request still
 * without a final gets an ABORT from the closing thread, then the Executor is shut down and freed.
 */
public final class TrtllmEngine implements InferenceEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TrtllmEngine.class);
    private static final long CLOSE_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final TrtllmConfig config;
    private final NativeEngine nativeEngine;
    private final ShimInfo shimInfo;
    private final EngineInfo info;
    private final RequestMapper mapper;
    private final EngineCounters counters = new EngineCounters();
    private final RequestRegistry registry = new RequestRegistry();
    private final CopyOnWriteArrayList<EngineObserver> observers = new CopyOnWriteArrayList<>();
    private final OutputAssembler assembler;
    private final Poller poller;
    private final Thread pollerThread;
    private final AtomicLong clientIds = new AtomicLong();
    // submits hold the read side from the state check to registration; close/fail take the write
    // side to change state, so no request can register unseen by the final sweep
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile String failure;

    private TrtllmEngine(TrtllmConfig config, NativeEngine nativeEngine, ShimInfo shimInfo, EngineClock clock) {
        this.config = config;
        this.nativeEngine = nativeEngine;
        this.shimInfo = shimInfo;
        this.info = new EngineInfo("trtllm", config.resolvedModelName(), shimInfo.vocabSize(), shimInfo.maxSeqLen(),
                shimInfo.maxNumTokens(), shimInfo.maxBatchSize(), shimInfo.tokensPerBlock(),
                Math.max(0, shimInfo.kvMaxBlocks()), shimInfo.blockReuse(), shimInfo.decodingMode().label());
        this.mapper = new RequestMapper(new RequestMapper.Limits(shimInfo.vocabSize(), shimInfo.maxSeqLen()),
                config.endOfGenerationIds());
        this.assembler = new OutputAssembler(mapper, clock, shimInfo.tokensPerBlock(), shimInfo.blockReuse(), counters);
        this.poller = new Poller(nativeEngine, registry, assembler, counters, clock, observers, this::fail,
                config.pollTimeoutMillis(), config.pollBufferBytes());
        this.pollerThread = new Thread(poller, "trtllm-poller");
        this.pollerThread.setDaemon(true);
    }

    /**
     * Loads the shim, creates the Executor on {@code config.engineDir()} and starts the poller.
     *
     * @throws EngineUnavailableException with the cause an operator needs: the library is missing
     *         (and where it should come from), it is the CPU mock, or the Executor refused the engine
     */
    public static TrtllmEngine start(TrtllmConfig config) {
        Objects.requireNonNull(config, "config");
        ShimLibrary.Loaded lib = ShimLibrary.load(config.nativeDir());
        if (!lib.ok()) {
            throw new EngineUnavailableException("TensorRT-LLM engine unavailable: " + lib.error());
        }
        if (lib.mock() && !config.allowMock()) {
            throw new EngineUnavailableException("TensorRT-LLM engine unavailable: the loaded libtrtllm_shim.so is the"
                    + " CPU mock (a test double that computes nothing); build the real shim in "
                    + ShimLibrary.PINNED_IMAGE);
        }
        NativeEngine n;
        try {
            n = NativeEngine.create(config);
        } catch (ShimCallException e) {
            throw new EngineUnavailableException(e.startupMessage(), e);
        }
        try {
            ShimInfo shim = n.info();
            TrtllmEngine engine = new TrtllmEngine(config, n, shim, EngineClock.calibrate());
            try (TrtllmShim.Stats stats = new TrtllmShim.Stats()) {
                engine.counters.gauges(Poller.readGauges(n, stats)); // stats() is right before the first poll
            }
            engine.pollerThread.start();
            LOG.info("trtllm engine ready: {} ({}), vocab {}, max seq {}, batch {}, {} tokens/iteration, KV {} x {}"
                            + " tokens, reuse {}, speculation {}{}", engine.info.model(), shim.version(),
                    shim.vocabSize(), shim.maxSeqLen(), shim.maxBatchSize(), shim.maxNumTokens(), shim.kvMaxBlocks(),
                    shim.tokensPerBlock(), shim.blockReuse(), shim.decodingMode().label(),
                    shim.warnings().isEmpty() ? "" : " (" + shim.warnings() + ")");
            return engine;
        } catch (RuntimeException e) {
            n.destroy();
            throw e instanceof ShimCallException s ? new EngineUnavailableException(s.startupMessage(), s) : e;
        }
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    /** Whether the native side is the CPU mock (tests). */
    public boolean isMock() {
        return shimInfo.mock();
    }

    @Override
    public RequestHandle submit(EngineRequest request, EngineListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        InFlightRequest f = new InFlightRequest(request, listener, clientIds.incrementAndGet());
        RequestMapper.Plan plan = mapper.plan(request, f.clientId);
        gate.readLock().lock();
        try {
            checkRunning();
            registry.add(f); // before enqueue: a response may race ahead of the returned id
            switch (plan) {
                case RequestMapper.Plan.Rejected r ->
                        poller.finishLocally(new Poller.LocalFinal(f, r.reason(), r.error()));
                case RequestMapper.Plan.Enqueue e -> enqueue(f, e.request());
            }
        } finally {
            gate.readLock().unlock();
        }
        return new Handle(f);
    }

    private void enqueue(InFlightRequest f, NativeRequest r) {
        try {
            f.enqueued(nativeEngine.enqueue(r), System.nanoTime());
        } catch (ShimCallException e) {
            switch (e.code()) {
                case ShimCallException.QUEUE_FULL -> {
                    registry.remove(f);
                    throw new EngineOverloadedException(config.scheduling().maxQueueSize());
                }
                case ShimCallException.SHUT_DOWN -> {
                    registry.remove(f);
                    throw new EngineUnavailableException("engine is shut down");
                }
                // anything else concerns this request: it finishes with the error as its value
                default -> poller.finishLocally(new Poller.LocalFinal(f, FinishReason.ERROR,
                        "TensorRT-LLM rejected the request (" + ShimCallException.codeName(e.code()) + "): "
                                + e.getMessage()));
            }
        }
    }

    private void checkRunning() {
        if (closed) {
            throw new EngineUnavailableException("engine is shut down");
        }
        String f = failure;
        if (f != null) {
            throw new EngineUnavailableException("engine failed: " + f);
        }
    }

    private final class Handle implements RequestHandle {
        private final InFlightRequest f;

        Handle(InFlightRequest f) {
            this.f = f;
        }

        @Override
        public String requestId() {
            return f.request.id();
        }

        @Override
        public void cancel() {
            long id = f.requestId();
            if (f.isFinished() || id == 0 || !f.markCancelRequested()) {
                return; // finished, never enqueued (its final is on the way), or already cancelled
            }
            try {
                nativeEngine.cancel(id);
            } catch (ShimCallException e) {
                LOG.debug("cancel of request {} failed: {}", f.request.id(), e.getMessage());
            }
        }
    }

    @Override
    public EngineStats stats() {
        return counters.snapshot();
    }

    @Override
    public void addObserver(EngineObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /** The poller lost the engine: every request in flight finishes with ERROR, new submits are refused. */
    private void fail(String why) {
        gate.writeLock().lock();
        try {
            if (failure == null) {
                failure = why;
                LOG.error("trtllm engine failed: {}", why);
            }
        } finally {
            gate.writeLock().unlock();
        }
        long now = System.nanoTime();
        for (InFlightRequest f : registry.snapshot()) {
            if (f.claimFinal()) {
                registry.deliver(f, assembler.finalOutput(f, FinishReason.ERROR, why, now));
            }
        }
    }

    @Override
    public void close() {
        gate.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            gate.writeLock().unlock();
        }
        for (InFlightRequest f : registry.snapshot()) {
            new Handle(f).cancel();
        }
        try {
            if (failure == null && !registry.awaitEmpty(CLOSE_DRAIN_NANOS)) {
                LOG.warn("{} requests still in flight after cancelling them; aborting them", registry.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.stop();
        try {
            pollerThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pollerThread.isAlive()) {
            LOG.error("trtllm poller did not stop; leaking the native engine rather than freeing it under it");
            return;
        }
        long now = System.nanoTime();
        for (InFlightRequest f : registry.snapshot()) {
            if (f.claimFinal()) {
                registry.deliver(f, assembler.finalOutput(f, FinishReason.ABORT, null, now));
            }
        }
        try {
            nativeEngine.destroy();
        } catch (ShimCallException e) {
            LOG.warn("TensorRT-LLM shutdown reported: {}", e.getMessage());
        }
    }
}
