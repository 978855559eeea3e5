package dev.llmstream.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.RecordingListener;
import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.engine.core.scheduler.SchedulerConfig;
import dev.llmstream.engine.core.spec.SpecConfig;
import dev.llmstream.testing.SharedAssets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Draft-model speculation: with the target itself as the draft every greedy draft is accepted
 * (mechanics, rollback and bookkeeping are exercised at full acceptance), and output is exact.
 */
class DraftModelSpeculationTest {
    private static final SpeculationParams DRAFT = new SpeculationParams(SpeculationParams.Mode.DRAFT, 4);

    private static CpuEngine start(Path draft) throws Exception {
        Path model = SharedAssets.model("stories260K.gguf");
        return CpuEngine.start(CpuEngineConfig.of(model, new int[] {2}).withThreads(2)
                .withScheduler(new SchedulerConfig(128, 8, 64, true)).withKvCacheBytes(16L << 20)
                .withSpec(new SpecConfig(SpeculationParams.Mode.OFF, 4, 1, 4, 4, draft)));
    }

    private static int[] run(CpuEngine e, int[] p, SpeculationParams sp, int max) throws Exception {
        RecordingListener l = new RecordingListener();
        e.submit(EngineRequest.greedy("r", p, max).withSpeculation(sp).withIgnoreEos(true), l);
        l.await();
        return l.tokens();
    }

    @Test
    void aDraftEqualToTheTargetIsAlwaysAcceptedAndOutputIsExact() throws Exception {
        try (CpuEngine e = start(SharedAssets.model("stories260K.gguf"))) {
            SplittableRandom r = new SplittableRandom(3);
            for (int i = 0; i < 4; i++) {
                int[] p = new int[10 + 7 * i];
                p[0] = 1;
                for (int j = 1; j < p.length; j++) {
                    p[j] = 3 + r.nextInt(509);
                }
                int[] plain = run(e, p, SpeculationParams.OFF, 40);
                EngineStats before = e.stats();
                int[] spec = run(e, p, DRAFT, 40);
                EngineStats after = e.stats();
                assertThat(spec).containsExactly(plain);
                long drafted = after.specDraftedTokens() - before.specDraftedTokens();
                long accepted = after.specAcceptedTokens() - before.specAcceptedTokens();
                assertThat(drafted).isPositive();
                assertThat(accepted).isEqualTo(drafted);
                assertThat(after.steps() - before.steps()).as("fewer target steps than tokens").isLessThan(40);
            }
            dev.llmstream.engine.EngineTestSupport.awaitIdle(e);
        }
    }

    @Test
    void sampledRequestsWorkWithADraftModel() throws Exception {
        try (CpuEngine e = start(SharedAssets.model("stories260K.gguf"))) {
            int[] p = {1, 403, 407, 261, 378};
            SamplingParams s = new SamplingParams(0.8f, 0, 0.95f, 0f, 1f, 0f, 0f, 7L, null, null, false, 0);
            RecordingListener a = new RecordingListener();
            e.submit(EngineRequest.greedy("a", p, 30).withSampling(s).withSpeculation(DRAFT).withIgnoreEos(true), a);
            RecordingListener b = new RecordingListener();
            e.submit(EngineRequest.greedy("b", p, 30).withSampling(s).withSpeculation(DRAFT).withIgnoreEos(true), b);
            a.await();
            b.await();
            assertThat(a.tokens()).hasSize(30).containsExactly(b.tokens());
        }
    }

    @Test
    void aDraftWithAnotherVocabularyIsRejectedAtStart() {
        assertThatThrownBy(() -> start(SharedAssets.model("random/llama-2-tiny-random.gguf")))
                .hasMessageContaining("vocabulary");
    }
}
