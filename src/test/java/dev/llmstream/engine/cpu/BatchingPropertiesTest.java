package dev.llmstream.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RecordingListener;
import dev.llmstream.engine.RequestHandle;
import dev.llmstream.engine.core.scheduler.SchedulerConfig;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.testing.SharedAssets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batching engine's correctness properties: a request's greedy output does not depend on what
 * else runs with it (16 random neighbours arriving and leaving, prefix-cache hits, preemption and
 * recomputation), and cancellation in any phase returns every KV block.
 */
class BatchingPropertiesTest {
    private static final int[] EOS = {2};

    private static CpuEngine start(SchedulerConfig sc, long kvBytes) throws Exception {
        return start("stories260K.gguf", Numerics.EXACT, sc, kvBytes);
    }

    private static CpuEngine start(String model, Numerics numerics, SchedulerConfig sc, long kvBytes) throws Exception {
        return CpuEngine.start(CpuEngineConfig.of(SharedAssets.model(model), EOS).withThreads(2)
                .withScheduler(sc).withKvCacheBytes(kvBytes).withNumerics(numerics));
    }

    private static int[] prompt(SplittableRandom r, int n) {
        int[] p = new int[n];
        p[0] = 1;
        for (int i = 1; i < n; i++) {
            p[i] = 3 + r.nextInt(509);
        }
        return p;
    }

    private static int[] run(CpuEngine e, String id, int[] prompt, int max) throws Exception {
        RecordingListener l = new RecordingListener();
        e.submit(EngineRequest.greedy(id, prompt, max).withIgnoreEos(true), l);
        l.await();
        return l.tokens();
    }

    private static void awaitIdle(CpuEngine e) throws InterruptedException {
        dev.llmstream.engine.EngineTestSupport.awaitIdle(e);
    }

    /**
     * stories260K (F32 weights) in the default numerics, and a Q8_0 model in {@link Numerics#FAST}, whose token
     * groups of 16, 8, 4 and 1 ({@code DequantKernels}) must agree to the bit for the output not to depend on the
     * batch.
     */
    @ParameterizedTest
    @CsvSource({"stories260K.gguf, EXACT", "random/rand-llama-phi3vocab-20M-Q8_0.gguf, FAST"})
    void greedyOutputIsTheSameAloneInABusyBatchAndWithPrefixHits(String model, Numerics numerics) throws Exception {
        SplittableRandom r = new SplittableRandom(42);
        int[] target = prompt(r, 40);
        try (CpuEngine e = start(model, numerics, new SchedulerConfig(48, 16, 64, true), 32L << 20)) {
            int[] alone = run(e, "alone", target, 40);

            // 16 random neighbours with staggered arrivals, some cancelled while running
            List<RecordingListener> others = new ArrayList<>();
            List<RequestHandle> handles = new ArrayList<>();
            RecordingListener mine = new RecordingListener();
            for (int i = 0; i < 16; i++) {
                RecordingListener l = new RecordingListener();
                others.add(l);
                handles.add(e.submit(EngineRequest.greedy("n" + i, prompt(r, 5 + r.nextInt(60)), 5 + r.nextInt(50))
                        .withIgnoreEos(true), l));
                if (i == 6) {
                    e.submit(EngineRequest.greedy("target", target, 40).withIgnoreEos(true), mine);
                }
                if (i % 5 == 4) {
                    handles.get(i - 2).cancel();
                }
                Thread.sleep(r.nextInt(3));
            }
            assertThat(mine.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(mine.tokens()).as("in a busy batch").containsExactly(alone);
            for (RecordingListener l : others) {
                l.await();
            }
            // the same prompt again: served mostly from the prefix cache, same tokens
            RecordingListener again = new RecordingListener();
            e.submit(EngineRequest.greedy("again", target, 40).withIgnoreEos(true), again);
            EngineOutput last = again.await();
            assertThat(last.metrics().cachedPromptTokens()).isGreaterThanOrEqualTo(32);
            assertThat(again.tokens()).as("with a prefix-cache hit").containsExactly(alone);
            awaitIdle(e);
        }
    }

    @Test
    void preemptedRequestsRecomputeToTheSameTokens() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        int[][] prompts = new int[6][];
        int[][] solo = new int[6][];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = prompt(r, 20 + 4 * i);
        }
        // reference outputs with plenty of memory
        try (CpuEngine e = start(new SchedulerConfig(64, 8, 64, true), 16L << 20)) {
            for (int i = 0; i < prompts.length; i++) {
                solo[i] = run(e, "solo" + i, prompts[i], 60);
            }
        }
        // a pool far too small for six 80-token sequences at once: the scheduler must preempt
        long tinyPool = 24 * KvStorage.bytesPerBlock(5, 16, 32); // 24 blocks of 16 tokens (5 layers, kv dim 32)
        try (CpuEngine e = start(new SchedulerConfig(64, 8, 64, true), tinyPool)) {
            List<RecordingListener> ls = new ArrayList<>();
            for (int i = 0; i < prompts.length; i++) {
                RecordingListener l = new RecordingListener();
                ls.add(l);
                e.submit(EngineRequest.greedy("p" + i, prompts[i], 60).withIgnoreEos(true), l);
            }
            int preempted = 0;
            for (int i = 0; i < prompts.length; i++) {
                EngineOutput last = ls.get(i).await();
                preempted += last.metrics().preemptions();
                assertThat(ls.get(i).tokens()).as("request %d", i).containsExactly(solo[i]);
            }
            assertThat(preempted).as("the tiny pool forced preemptions").isPositive();
            assertThat(e.stats().preemptions()).isPositive();
            awaitIdle(e);
        }
    }

    @Test
    void cancelMidPrefillAndMidDecodeReturnsEveryBlock() throws Exception {
        SplittableRandom r = new SplittableRandom(9);
        try (CpuEngine e = start(new SchedulerConfig(16, 4, 16, true), 16L << 20)) {
            int total = e.stats().kvBlocksTotal();
            // 1000-token prompt at 16 tokens per step: cancel while it is still prefilling
            RecordingListener prefill = new RecordingListener();
            RequestHandle h = e.submit(EngineRequest.greedy("long", prompt(r, 1000), 5), prefill);
            while (e.stats().kvBlocksUsed() == 0) {
                Thread.onSpinWait();
            }
            h.cancel();
            EngineOutput p = prefill.await();
            assertThat(p.finishReason()).isEqualTo(FinishReason.ABORT);
            assertThat(p.metrics().outputTokens()).isZero();

            RecordingListener decode = new RecordingListener(o -> { });
            RequestHandle h2 = e.submit(EngineRequest.greedy("dec", prompt(r, 20), 100_000).withIgnoreEos(true), decode);
            while (decode.outputs().size() < 3) {
                Thread.onSpinWait();
            }
            h2.cancel();
            assertThat(decode.await().finishReason()).isEqualTo(FinishReason.ABORT);
            awaitIdle(e);
            assertThat(e.stats().kvBlocksTotal()).isEqualTo(total);
        }
    }
}
