package dev.llmstream.server;

import dev.llmstream.engine.EngineInfo;
import dev.llmstream.engine.EngineListener;
import dev.llmstream.engine.EngineObserver;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineOverloadedException;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.engine.RequestHandle;
import dev.llmstream.engine.RequestMetrics;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An engine whose outputs the test writes by hand: for timing-dependent server behaviour (keep-alives
 * while queued, failures after the stream started, timeouts) without depending on model speed.
 * Cancelling a request delivers its final ABORT output at once, as a real engine does at its next step.
 */
final class ScriptedEngine implements InferenceEngine {
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    volatile boolean overloaded;
    private final EngineInfo info;

    ScriptedEngine(int vocabSize) {
        info = new EngineInfo("scripted", "scripted-model", vocabSize, 1024, 64, 8, 16, 64, true, "none");
    }

    /** One submitted request and the way to answer it. */
    static final class Call {
        final EngineRequest request;
        private final EngineListener listener;
        final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean finished = new AtomicBoolean();
        private int produced;

        Call(EngineRequest request, EngineListener listener) {
            this.request = request;
            this.listener = listener;
        }

        synchronized void tokens(int... ids) {
            produced += ids.length;
            emit(ids, null, null);
        }

        synchronized void finish(FinishReason reason, String error) {
            emit(new int[0], reason, error);
        }

        private void emit(int[] ids, FinishReason reason, String error) {
            if (finished.get()) {
                return;
            }
            if (reason != null) {
                finished.set(true);
            }
            long now = System.nanoTime();
            RequestMetrics m = new RequestMetrics(request.arrivalNanos(), request.arrivalNanos() + 1,
                    produced > 0 ? request.arrivalNanos() + 2 : 0, now, reason == null ? 0 : now,
                    request.promptLength(), 0, produced, 0, 0, 0);
            listener.onOutput(new EngineOutput(request.id(), ids, null, reason, -1, error, now, m));
        }
    }

    Call next() throws InterruptedException {
        Call c = calls.poll(30, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no request reached the engine");
        }
        return c;
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public RequestHandle submit(EngineRequest request, EngineListener listener) {
        if (overloaded) {
            throw new EngineOverloadedException(99);
        }
        Call c = new Call(request, listener);
        calls.add(c);
        return new RequestHandle() {
            @Override
            public String requestId() {
                return request.id();
            }

            @Override
            public void cancel() {
                c.cancelled.set(true);
                c.finish(FinishReason.ABORT, null);
            }
        };
    }

    @Override
    public EngineStats stats() {
        return EngineStats.EMPTY;
    }

    @Override
    public void addObserver(EngineObserver observer) {}

    @Override
    public void close() {}
}
