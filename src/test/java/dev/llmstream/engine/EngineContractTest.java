package dev.llmstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The engine contract kit: what every {@link InferenceEngine} must do, whatever computes the tokens.
 * Subclasses provide a started engine (CPU engine on a small GGUF, TensorRT-LLM engine through the
 * mock shim) configured with the {@link #maxWaiting()} queue bound.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineContractTest {
    protected InferenceEngine engine;

    /** A started engine whose waiting queue holds {@link #maxWaiting()} requests. */
    protected abstract InferenceEngine createEngine() throws Exception;

    protected abstract int maxWaiting();

    /** A valid prompt of about {@code n} tokens for this engine's model. */
    protected abstract int[] prompt(int n, int variant);

    @BeforeAll
    void start() throws Exception {
        engine = createEngine();
    }

    @AfterAll
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private EngineRequest greedy(String id, int[] prompt, int max) {
        return EngineRequest.greedy(id, prompt, max).withIgnoreEos(true);
    }

    private void awaitIdle() throws InterruptedException {
        EngineTestSupport.awaitIdle(engine);
    }

    @Test
    void streamsTokensInOrderWithExactlyOneFinalOutput() throws Exception {
        RecordingListener l = new RecordingListener();
        engine.submit(greedy("order", prompt(12, 0), 9), l);
        EngineOutput last = l.await();
        assertThat(last.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(l.finals()).isEqualTo(1);
        assertThat(l.outputs()).last().isSameAs(last);
        assertThat(l.tokens()).hasSize(9);
        assertThat(last.metrics().outputTokens()).isEqualTo(9);
        long prev = 0;
        for (EngineOutput o : l.outputs()) {
            assertThat(o.timeNanos()).isGreaterThanOrEqualTo(prev);
            prev = o.timeNanos();
        }
        RequestMetrics m = last.metrics();
        assertThat(m.ttftNanos()).isPositive();
        assertThat(m.firstTokenNanos()).isLessThanOrEqualTo(m.lastTokenNanos());
        assertThat(m.scheduledNanos()).isGreaterThanOrEqualTo(m.arrivalNanos());
        awaitIdle();
    }

    @Test
    void stopsOnAStopTokenAndReportsIt() throws Exception {
        RecordingListener probe = new RecordingListener();
        int[] p = prompt(10, 1);
        engine.submit(greedy("probe", p, 3), probe);
        probe.await();
        int second = probe.tokens()[1];
        EngineRequest req = new EngineRequest("stop", p, SamplingParams.greedy(), 3, 0, new int[] {second}, true, 0,
                SpeculationParams.DEFAULT, 0L, System.nanoTime());
        RecordingListener l = new RecordingListener();
        engine.submit(req, l);
        EngineOutput last = l.await();
        assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(last.stopTokenId()).isEqualTo(second);
        assertThat(l.tokens()).containsExactly(probe.tokens()[0]);
        awaitIdle();
    }

    @Test
    void cancelBeforeScheduleAndMidStreamEndWithAbortAndFreeEverything() throws Exception {
        RecordingListener early = new RecordingListener();
        RequestHandle h = engine.submit(greedy("cancel-early", prompt(64, 2), 500), early);
        h.cancel();
        assertThat(early.await().finishReason()).isIn(FinishReason.ABORT, FinishReason.LENGTH);

        CountDownLatch first = new CountDownLatch(1);
        RecordingListener mid = new RecordingListener(o -> first.countDown());
        RequestHandle h2 = engine.submit(greedy("cancel-mid", prompt(32, 3), 10_000), mid);
        assertThat(first.await(60, TimeUnit.SECONDS)).isTrue();
        h2.cancel();
        h2.cancel(); // idempotent
        EngineOutput last = mid.await();
        assertThat(last.finishReason()).isEqualTo(FinishReason.ABORT);
        assertThat(mid.finals()).isEqualTo(1);
        awaitIdle();
    }

    @Test
    void rejectsSubmitsBeyondTheWaitingBound() throws Exception {
        List<RequestHandle> handles = new ArrayList<>();
        List<RecordingListener> listeners = new ArrayList<>();
        boolean rejected = false;
        try {
            for (int i = 0; i < maxWaiting() * 4 + 64 && !rejected; i++) {
                RecordingListener l = new RecordingListener();
                try {
                    handles.add(engine.submit(greedy("flood-" + i, prompt(48, i), 2000), l));
                    listeners.add(l);
                } catch (EngineOverloadedException e) {
                    rejected = true;
                    assertThat(e.waiting()).isGreaterThanOrEqualTo(maxWaiting());
                }
            }
        } finally {
            handles.forEach(RequestHandle::cancel);
        }
        assertThat(rejected).as("a full queue must reject").isTrue();
        for (RecordingListener l : listeners) {
            assertThat(l.await().finished()).isTrue();
            assertThat(l.finals()).isEqualTo(1);
        }
        awaitIdle();
    }

    @Test
    void countersAreMonotonic() throws Exception {
        EngineStats before = engine.stats();
        RecordingListener l = new RecordingListener();
        engine.submit(greedy("stats", prompt(20, 4), 5), l);
        l.await();
        awaitIdle();
        EngineStats after = engine.stats();
        assertThat(after.generationTokens()).isGreaterThanOrEqualTo(before.generationTokens() + 5);
        assertThat(after.requestsFinished()).isGreaterThan(before.requestsFinished());
        assertThat(after.steps()).isGreaterThan(before.steps());
        assertThat(after.prefixQueryTokens()).isGreaterThanOrEqualTo(before.prefixQueryTokens());
        assertThat(after.preemptions()).isGreaterThanOrEqualTo(before.preemptions());
    }

    @Test
    void seededAndGreedyRequestsAreDeterministic() throws Exception {
        int[] p = prompt(16, 5);
        SamplingParams sampled = new SamplingParams(0.9f, 40, 0.95f, 0f, 1f, 0f, 0f, 1234L, null, null, false, 0);
        int[][] runs = new int[4][];
        for (int i = 0; i < 4; i++) {
            RecordingListener l = new RecordingListener();
            EngineRequest r = greedy("det-" + i, p, 12);
            engine.submit(i < 2 ? r : r.withSampling(sampled), l);
            l.await();
            runs[i] = l.tokens();
        }
        assertThat(runs[1]).containsExactly(runs[0]);
        assertThat(runs[3]).containsExactly(runs[2]);
        awaitIdle();
    }
}
