package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Open-loop schedules are deterministic for a seed, so their statistics are checked without flakiness. */
class BenchArrivalScheduleTest {

    private static double[] gapsSeconds(LoadShape.Open shape, Duration ramp, int n) {
        ArrivalSchedule s = new ArrivalSchedule(shape, ramp, 42);
        double[] gaps = new double[n];
        long prev = s.nextOffsetNanos();
        assertThat(prev).isZero(); // the first request goes at once
        for (int i = 0; i < n; i++) {
            long t = s.nextOffsetNanos();
            gaps[i] = (t - prev) / 1e9;
            prev = t;
        }
        return gaps;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double cv(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length) / m;
    }

    @Test
    void constantArrivalsAreEvenlySpaced() {
        double[] gaps = gapsSeconds(new LoadShape.Open(40, LoadShape.Arrival.CONSTANT, 1, 0), null, 100);
        for (double g : gaps) {
            assertThat(g).isCloseTo(0.025, within(1e-9));
        }
    }

    @Test
    void poissonArrivalsHaveExponentialGaps() {
        double[] gaps = gapsSeconds(LoadShape.Open.poisson(100), null, 20_000);
        assertThat(mean(gaps)).isCloseTo(0.01, within(0.0003));
        assertThat(cv(gaps)).isCloseTo(1.0, within(0.03)); // exponential: std = mean
    }

    @Test
    void gammaBurstinessSetsTheVariability() {
        double[] bursty = gapsSeconds(new LoadShape.Open(100, LoadShape.Arrival.GAMMA, 0.25, 0), null, 20_000);
        assertThat(mean(bursty)).isCloseTo(0.01, within(0.0006));
        assertThat(cv(bursty)).isCloseTo(2.0, within(0.15)); // gamma(k): cv = 1/sqrt(k)
        double[] regular = gapsSeconds(new LoadShape.Open(100, LoadShape.Arrival.GAMMA, 4, 0), null, 20_000);
        assertThat(mean(regular)).isCloseTo(0.01, within(0.0003));
        assertThat(cv(regular)).isCloseTo(0.5, within(0.03));
    }

    @Test
    void rampUpRaisesTheRateLinearly() {
        // Constant unit gaps through Λ⁻¹: arrivals in the first S seconds = R·S/2, then R per second.
        ArrivalSchedule s = new ArrivalSchedule(new LoadShape.Open(10, LoadShape.Arrival.CONSTANT, 1, 0),
                Duration.ofSeconds(4), 1);
        int inRamp = 0;
        int after = 0;
        for (int i = 0; i < 1000; i++) {
            double t = s.nextOffsetNanos() / 1e9;
            if (t < 4) {
                inRamp++;
            } else if (t < 6) {
                after++;
            }
        }
        assertThat(inRamp).isEqualTo(20);
        assertThat(after).isEqualTo(20);
        assertThat(s.wallSeconds(20)).isCloseTo(4.0, within(1e-12));
        assertThat(s.wallSeconds(5)).isCloseTo(2.0, within(1e-12)); // sqrt(2·4·5/10)
    }

    @Test
    void infiniteRateSendsEverythingAtOnceAndSeedsRepeat() {
        ArrivalSchedule inf = new ArrivalSchedule(LoadShape.Open.poisson(Double.POSITIVE_INFINITY), null, 3);
        assertThat(inf.nextOffsetNanos()).isZero();
        assertThat(inf.nextOffsetNanos()).isZero();
        assertThat(gapsSeconds(LoadShape.Open.poisson(5), null, 50)).containsExactly(gapsSeconds(LoadShape.Open.poisson(5), null, 50));
    }
}
