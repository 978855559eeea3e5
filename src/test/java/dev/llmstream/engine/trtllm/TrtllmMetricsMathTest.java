package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The design note's metric formulas, including the fallbacks for fields a release lacks. */
class TrtllmMetricsMathTest {
    private static PerfBlock kv(int total, int reused, int missed, float hitRate) {
        return new PerfBlock(0, 0, 0, 0, total, total - reused, reused, missed, hitRate, 0f, 0, 0);
    }

    @Test
    void cachedPromptTokensAreReusedBlocksTimesBlockSizeCappedAtThePrompt() {
        assertThat(MetricsMath.cachedPromptTokens(3, 16, 100)).isEqualTo(48);
        assertThat(MetricsMath.cachedPromptTokens(7, 16, 100)).isEqualTo(100);
        assertThat(MetricsMath.cachedPromptTokens(0, 16, 100)).isZero();
        assertThat(MetricsMath.cachedPromptTokens(-1, 16, 100)).isZero();
        assertThat(MetricsMath.cachedPromptTokens(3, 0, 100)).isZero();
        assertThat(MetricsMath.cachedPromptTokens(Integer.MAX_VALUE, 64, Integer.MAX_VALUE))
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void hitRatePrefersTheEnginesThenReusedOverReusedPlusMissedThenOverTotal() {
        assertThat(MetricsMath.kvHitRate(kv(10, 4, 6, 0.5f))).isEqualTo(0.5);
        assertThat(MetricsMath.kvHitRate(kv(10, 4, 6, -1f))).isCloseTo(0.4, within(1e-9));
        assertThat(MetricsMath.kvHitRate(kv(8, 2, -1, -1f))).isCloseTo(0.25, within(1e-9));
        assertThat(MetricsMath.kvHitRate(kv(0, 0, -1, -1f))).isZero();
        assertThat(MetricsMath.kvHitRate(kv(0, 0, 0, -1f))).isZero();
    }

    @Test
    void acceptanceRateAndTokensPerIteration() {
        PerfBlock p = new PerfBlock(0, 0, 0, 0, 0, 0, 0, -1, -1f, 0f, 6, 8);
        assertThat(MetricsMath.acceptanceRate(p)).isCloseTo(0.75, within(1e-9));
        PerfBlock q = new PerfBlock(0, 0, 0, 0, 0, 0, 0, -1, -1f, 0.5f, 6, 8);
        assertThat(MetricsMath.acceptanceRate(q)).isEqualTo(0.5);
        assertThat(MetricsMath.acceptanceRate(PerfBlock.NONE)).isZero();
        assertThat(MetricsMath.tokensPerIteration(30, 10)).isEqualTo(3.0);
        assertThat(MetricsMath.tokensPerIteration(30, 0)).isZero();
    }

    @Test
    void notBeforeKeepsIntervalsNonNegativeAndZeroMeansNotYet() {
        assertThat(MetricsMath.notBefore(0, 100)).isZero();
        assertThat(MetricsMath.notBefore(90, 100)).isEqualTo(100);
        assertThat(MetricsMath.notBefore(110, 100)).isEqualTo(110);
    }

    @Test
    void engineClockConvertsSteadyTimestampsAndKeepsZero() {
        EngineClock c = new EngineClock(1_000);
        assertThat(c.toNanoTime(0)).isZero();
        assertThat(c.toNanoTime(10)).isEqualTo(1_010);
    }
}
