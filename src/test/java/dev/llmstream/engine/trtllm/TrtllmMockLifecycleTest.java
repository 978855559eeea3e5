package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineUnavailableException;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RecordingListener;
import dev.llmstream.engine.RequestHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancellation races and shutdown through real JNI into the mock shim: every accepted request gets
 * exactly one final output, whatever the interleaving.
 */
class TrtllmMockLifecycleTest {

    private static EngineRequest greedy(String id, int n, int max) {
        int[] prompt = new int[n];
        for (int i = 0; i < n; i++) {
            prompt[i] = 1 + (i * 31 + id.hashCode() & 0xff);
        }
        return EngineRequest.greedy(id, prompt, max).withIgnoreEos(true);
    }

    private static void awaitIdle(TrtllmEngine e) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            var s = e.stats();
            if (s.running() == 0 && s.waiting() == 0 && s.kvBlocksUsed() == 0) {
                return;
            }
            Thread.sleep(5);
        }
        assertThat(e.stats().kvBlocksUsed()).isZero();
    }

    @Test
    void cancelBeforeTheFirstPollEndsWithOneAbortAndNoTokens() throws Exception {
        // 20 ms iterations: the cancel lands long before the first token could
        try (TrtllmEngine e = MockShim.start("cancel-early", 8, "vocab_size=512", "step_us=20000")) {
            RecordingListener l = new RecordingListener();
            RequestHandle h = e.submit(greedy("c1", 16, 100), l);
            h.cancel();
            h.cancel();
            EngineOutput last = l.await();
            assertThat(last.finishReason()).isEqualTo(FinishReason.ABORT);
            assertThat(l.tokens()).isEmpty();
            assertThat(l.finals()).isEqualTo(1);
            awaitIdle(e);
        }
    }

    @Test
    void cancelAfterTheFinalOutputIsANoOp() throws Exception {
        try (TrtllmEngine e = MockShim.start("cancel-late", 8, "vocab_size=512", "step_us=100")) {
            RecordingListener l = new RecordingListener();
            RequestHandle h = e.submit(greedy("c2", 8, 3), l);
            assertThat(l.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            int outputs = l.outputs().size();
            h.cancel();
            Thread.sleep(60);
            assertThat(l.outputs()).hasSize(outputs);
            assertThat(l.finals()).isEqualTo(1);
        }
    }

    @Test
    void outputsArriveInOrderOnThePollerThread() throws Exception {
        try (TrtllmEngine e = MockShim.start("thread", 8, "vocab_size=512", "step_us=100")) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            RecordingListener l = new RecordingListener(o -> threads.add(Thread.currentThread().getName()));
            e.submit(greedy("t", 8, 20), l);
            l.await();
            assertThat(threads).containsExactly("trtllm-poller");
            assertThat(l.tokens()).hasSize(20);
        }
    }

    @Test
    void shutdownWithRequestsInFlightGivesEachExactlyOneAbort() throws Exception {
        TrtllmEngine e = MockShim.start("shutdown", 16, "vocab_size=512", "max_batch_size=4", "step_us=2000");
        List<RecordingListener> listeners = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        for (int i = 0; i < 10; i++) {
            RecordingListener l = new RecordingListener(o -> started.countDown());
            e.submit(greedy("s" + i, 24, 3000), l);
            listeners.add(l);
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        e.close();
        for (RecordingListener l : listeners) {
            assertThat(l.isDone()).isTrue();
            assertThat(l.finals()).isEqualTo(1);
            assertThat(l.await().finishReason()).isEqualTo(FinishReason.ABORT);
        }
        assertThatThrownBy(() -> e.submit(greedy("late", 4, 4), new RecordingListener()))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("shut down");
        e.close(); // idempotent
    }

    @Test
    void concurrentSubmitsAndCancelsEachGetExactlyOneFinal() throws Exception {
        try (TrtllmEngine e = MockShim.start("race", 1000, "vocab_size=512", "max_batch_size=8", "step_us=300")) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<List<RecordingListener>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<RecordingListener> mine = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        RecordingListener l = new RecordingListener();
                        RequestHandle h = e.submit(greedy("r" + thread + "-" + i, 12, 5 + i % 7), l);
                        mine.add(l);
                        if (ThreadLocalRandom.current().nextBoolean()) {
                            if (ThreadLocalRandom.current().nextBoolean()) {
                                Thread.sleep(1);
                            }
                            h.cancel();
                        }
                    }
                    return mine;
                }));
            }
            for (Future<List<RecordingListener>> f : futures) {
                for (RecordingListener l : f.get(60, TimeUnit.SECONDS)) {
                    EngineOutput last = l.await();
                    assertThat(last.finishReason()).isIn(FinishReason.ABORT, FinishReason.LENGTH);
                    assertThat(l.finals()).isEqualTo(1);
                    assertThat(l.outputs()).last().isSameAs(last);
                }
            }
            pool.shutdown();
            awaitIdle(e);
            assertThat(e.stats().requestsFinished()).isEqualTo(100);
        }
    }
}
