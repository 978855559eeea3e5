package dev.llmstream.engine.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.TokenLogprobs;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static SamplingParams params(float temp, int topK, float topP, float minP) {
        return new SamplingParams(temp, topK, topP, minP, 1f, 0f, 0f, 42L, null, null, false, 0);
    }

    private static float[] randomLogits(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = (float) (r.nextGaussian() * 3);
        }
        return l;
    }

    @Test
    void greedyIsArgmaxAndIgnoresRandomness() {
        float[] l = randomLogits(1000, 1);
        Sampler s = new Sampler(1000);
        int expected = IntStream.range(0, 1000).boxed().max(Comparator.comparingDouble(i -> l[i])).orElseThrow();
        assertThat(s.sample(l, 0, SamplingParams.greedy(), new SamplerState(null, false, false), null))
                .isEqualTo(expected);
        assertThat(s.sample(l, 0, params(1f, 1, 1f, 0f), new SamplerState(7L, false, false), null))
                .as("top_k=1 is greedy").isEqualTo(expected);
    }

    @Test
    void sameSeedSameTokens() {
        float[] l = randomLogits(500, 2);
        Sampler s = new Sampler(500);
        SamplingParams p = params(1.0f, 0, 0.9f, 0f);
        SamplerState a = new SamplerState(123L, false, false);
        SamplerState b = new SamplerState(123L, false, false);
        for (int i = 0; i < 50; i++) {
            assertThat(s.sample(l, 0, p, a, null)).isEqualTo(s.sample(l, 0, p, b, null));
        }
    }

    @Test
    void heapNucleusEqualsSortedNucleus() {
        for (long seed = 0; seed < 20; seed++) {
            int n = 3000;
            float[] l = randomLogits(n, seed);
            float topP = 0.3f + seed * 0.03f;
            Sampler s = new Sampler(n);
            s.distribution(l, 0, params(1f, 0, topP, 0f), new SamplerState(1L, false, false), null);
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(order, (x, y) -> l[y] != l[x] ? Float.compare(l[y], l[x]) : Integer.compare(x, y));
            double max = l[order[0]];
            double z = 0;
            for (int i = 0; i < n; i++) {
                z += Math.exp(l[i] - max);
            }
            double cum = 0;
            int m = 0;
            while (cum < topP) {
                cum += Math.exp(l[order[m]] - max) / z;
                m++;
            }
            assertThat(s.candidateCount()).as("seed %d", seed).isEqualTo(m);
            for (int i = 0; i < m; i++) {
                assertThat(s.candidate(i)).isEqualTo(order[i]);
            }
        }
    }

    @Test
    void sampledFrequenciesFollowTheTruncatedDistribution() {
        float[] l = {2f, 1f, 0.5f, 0f, -1f, -5f};
        Sampler s = new Sampler(l.length);
        SamplingParams p = params(1f, 4, 1f, 0f);
        SamplerState st = new SamplerState(99L, false, false);
        int[] hist = new int[l.length];
        int draws = 40_000;
        for (int i = 0; i < draws; i++) {
            hist[s.sample(l, 0, p, st, null)]++;
        }
        double z = 0;
        for (int i = 0; i < 4; i++) {
            z += Math.exp(l[i]);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(hist[i] / (double) draws).isCloseTo(Math.exp(l[i]) / z, within(0.01));
        }
        assertThat(hist[4]).isZero();
        assertThat(hist[5]).isZero();
    }

    @Test
    void minPDropsUnlikelyTokens() {
        float[] l = {3f, 2.9f, 0f, -3f};
        Sampler s = new Sampler(4);
        s.distribution(l, 0, params(1f, 0, 1f, 0.5f), new SamplerState(1L, false, false), null);
        assertThat(s.candidateCount()).isEqualTo(2);
        assertThat(s.probability(0) + s.probability(1)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void penaltiesAndBiasChangeTheWinner() {
        float[] l = {5f, 4f, 1f};
        Sampler s = new Sampler(3);
        SamplingParams rep = new SamplingParams(0f, 0, 1f, 0f, 2f, 0f, 0f, null, null, null, false, 0);
        SamplerState st = new SamplerState(null, true, false);
        st.acceptPrompt(new int[] {0});
        assertThat(s.sample(l, 0, rep, st, null)).as("5/2 < 4").isEqualTo(1);

        SamplingParams freq = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0.6f, null, null, null, false, 0);
        SamplerState out = new SamplerState(null, false, true);
        out.accept(0);
        out.accept(0);
        assertThat(s.sample(l, 0, freq, out, null)).as("5 - 2*0.6 < 4").isEqualTo(1);

        SamplingParams bias = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, null, new int[] {2}, new float[] {10f},
                false, 0);
        assertThat(s.sample(l, 0, bias, new SamplerState(null, false, false), null)).isEqualTo(2);
        assertThat(s.sample(l, 0, SamplingParams.greedy(), new SamplerState(null, false, false), new int[] {0}))
                .as("suppressed token").isEqualTo(1);
    }

    @Test
    void logprobsAreAFullVocabularySoftmax() {
        float[] l = randomLogits(777, 5);
        TokenLogprobs lp = new Logprobs(777).of(l, 0, 3, 5);
        double z = 0;
        for (float v : l) {
            z += Math.exp(v);
        }
        assertThat((double) lp.logprob()).isCloseTo(l[3] - Math.log(z), within(1e-5));
        assertThat(lp.topIds()).hasSize(5);
        for (int i = 1; i < 5; i++) {
            assertThat(lp.topLogprobs()[i]).isLessThanOrEqualTo(lp.topLogprobs()[i - 1]);
        }
        int best = Sampler.argmax(l, 0, l.length);
        assertThat(lp.topIds()[0]).isEqualTo(best);
    }
}
