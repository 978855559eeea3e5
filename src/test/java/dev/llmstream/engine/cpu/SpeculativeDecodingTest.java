package dev.llmstream.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.RecordingListener;
import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.engine.core.scheduler.SchedulerConfig;
import dev.llmstream.engine.core.spec.SpecConfig;
import dev.llmstream.testing.SharedAssets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Speculative decoding must not change what is generated: greedy requests produce exactly the
 * tokens of plain decoding, sampled ones follow the same distribution (rejection sampling).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpeculativeDecodingTest {
    private CpuEngine engine;

    @BeforeAll
    void start() throws Exception {
        engine = CpuEngine.start(CpuEngineConfig.of(SharedAssets.model("stories260K.gguf"), new int[] {2})
                .withThreads(2).withScheduler(new SchedulerConfig(256, 16, 256, true)).withKvCacheBytes(32L << 20)
                .withSpec(SpecConfig.ngram(5)));
    }

    @AfterAll
    void stop() {
        engine.close();
    }

    private int[] run(int[] prompt, SamplingParams p, SpeculationParams spec, int max) throws Exception {
        RecordingListener l = new RecordingListener();
        engine.submit(EngineRequest.greedy("r", prompt, max).withSampling(p).withSpeculation(spec).withIgnoreEos(true), l);
        l.await();
        return l.tokens();
    }

    private static int[] prompt(SplittableRandom r, int n, boolean repetitive) {
        int[] p = new int[n];
        p[0] = 1;
        int period = 3 + r.nextInt(6);
        for (int i = 1; i < n; i++) {
            p[i] = repetitive && i > period ? p[i - period] : 3 + r.nextInt(509);
        }
        return p;
    }

    @Test
    void greedyOutputIsIdenticalWithAndWithoutPromptLookup() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        EngineStats before = engine.stats();
        for (int i = 0; i < 12; i++) {
            int[] p = prompt(r, 20 + r.nextInt(40), i % 2 == 0);
            int[] plain = run(p, SamplingParams.greedy(), SpeculationParams.OFF, 64);
            int[] spec = run(p, SamplingParams.greedy(), new SpeculationParams(SpeculationParams.Mode.NGRAM, 0), 64);
            assertThat(spec).as("prompt %d", i).containsExactly(plain);
        }
        EngineStats after = engine.stats();
        assertThat(after.specDraftedTokens() - before.specDraftedTokens()).isPositive();
        assertThat(after.specAcceptedTokens() - before.specAcceptedTokens()).isPositive();
        assertThat(after.specAcceptedTokens()).isLessThanOrEqualTo(after.specDraftedTokens());
    }

    @Test
    void greedyIsExactAlsoInABatchOfSpeculatingRequests() throws Exception {
        SplittableRandom r = new SplittableRandom(12);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> plain = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            prompts.add(prompt(r, 30, true));
            plain.add(run(prompts.get(i), SamplingParams.greedy(), SpeculationParams.OFF, 48));
        }
        List<RecordingListener> ls = new ArrayList<>();
        for (int[] p : prompts) {
            RecordingListener l = new RecordingListener();
            ls.add(l);
            engine.submit(EngineRequest.greedy("b", p, 48).withIgnoreEos(true)
                    .withSpeculation(new SpeculationParams(SpeculationParams.Mode.NGRAM, 4)), l);
        }
        for (int i = 0; i < ls.size(); i++) {
            ls.get(i).await();
            assertThat(ls.get(i).tokens()).containsExactly(plain.get(i));
        }
    }

    @Test
    void sampledOutputKeepsItsDistribution() throws Exception {
        int[] p = prompt(new SplittableRandom(5), 24, true);
        int runs = 300;
        int len = 6;
        Map<Integer, int[]> counts = new HashMap<>();
        long draftedBefore = engine.stats().specDraftedTokens();
        for (int mode = 0; mode < 2; mode++) {
            SpeculationParams sp = mode == 0 ? SpeculationParams.OFF : new SpeculationParams(SpeculationParams.Mode.NGRAM, 4);
            for (int i = 0; i < runs; i++) {
                SamplingParams s = new SamplingParams(1.0f, 0, 1f, 0f, 1f, 0f, 0f, (long) (i * 2 + mode), null, null,
                        false, 0);
                int[] out = run(p, s, sp, len);
                // the last position: after several chances to speculate
                counts.computeIfAbsent(out[len - 1], k -> new int[2])[mode]++;
            }
        }
        assertThat(engine.stats().specDraftedTokens() - draftedBefore).as("drafts were verified").isPositive();
        double chi2 = 0;
        int cells = 0;
        for (int[] c : counts.values()) {
            if (c[0] + c[1] > 0) {
                chi2 += Math.pow(c[0] - c[1], 2) / (c[0] + c[1]);
                cells++;
            }
        }
        int df = Math.max(1, cells - 1);
        // chi-square critical value at p = 0.001 (Wilson-Hilferty approximation)
        double z = 3.09;
        double critical = df * Math.pow(1 - 2.0 / (9 * df) + z * Math.sqrt(2.0 / (9 * df)), 3);
        System.out.printf("spec distribution test: chi2 %.1f, df %d, critical(0.001) %.1f%n", chi2, df, critical);
        assertThat(chi2).isLessThan(critical);
    }
}
