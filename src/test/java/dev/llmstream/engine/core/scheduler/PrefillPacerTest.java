package dev.llmstream.engine.core.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.core.kv.BlockPool;
import dev.llmstream.engine.core.sampling.SamplerState;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PrefillPacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void fullBudgetWithoutDecodesOrWhenDisabled() {
        PrefillPacer p = new PrefillPacer(200 * MS, 512);
        assertThat(p.budget(false)).isEqualTo(512);
        assertThat(new PrefillPacer(0, 512).budget(true)).isEqualTo(512);
    }

    @Test
    void learnsCostsAndKeepsMixedStepsNearTheTarget() {
        PrefillPacer p = new PrefillPacer(200 * MS, 512);
        assertThat(p.budget(true)).as("first guess before any measurement").isEqualTo(64);
        for (int i = 0; i < 30; i++) {
            p.record(60 * MS, 0, 16);            // decode-only steps: 60 ms
            p.record(60 * MS + 64 * 5 * MS, 64, 16); // mixed: 5 ms per prompt token on top
        }
        // (200 - 60) / 5 = 28 prompt tokens per step
        assertThat(p.budget(true)).isBetween(26, 30);
        assertThat(p.budget(false)).isEqualTo(512);
    }

    @Test
    void neverStarvesPrefillBelowAMinimumChunk() {
        PrefillPacer p = new PrefillPacer(50 * MS, 512);
        for (int i = 0; i < 30; i++) {
            p.record(80 * MS, 0, 16);               // decoding alone already exceeds the target
            p.record(80 * MS + 32 * 10 * MS, 32, 16);
        }
        assertThat(p.budget(true)).isEqualTo(16);
    }

    @Test
    void schedulerCapsPrefillButNotDecodes() {
        Scheduler s = new Scheduler(new SchedulerConfig(512, 8, 16, true), new BlockPool(64, 16));
        Sequence a = new Sequence(EngineRequest.greedy("a", IntStream.range(1, 9).toArray(), 50), o -> { }, 1,
                new SamplerState(null, false, false));
        s.add(a);
        ScheduledBatch first = s.schedule(0);
        s.computed(a, first.count(0));
        a.append(5);
        Sequence big = new Sequence(EngineRequest.greedy("b", IntStream.range(1, 300).toArray(), 5), o -> { }, 2,
                new SamplerState(null, false, false));
        s.add(big);
        s.setPrefillBudget(24);
        ScheduledBatch b = s.schedule(1);
        assertThat(b.sequence(0)).isSameAs(a);
        assertThat(b.count(0)).isEqualTo(1);
        assertThat(b.sequence(1)).isSameAs(big);
        assertThat(b.count(1)).isEqualTo(24);
        assertThat(b.prefillTokens()).isEqualTo(24);
    }
}
