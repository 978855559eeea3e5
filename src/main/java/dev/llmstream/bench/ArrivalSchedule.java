package dev.llmstream.bench;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Scheduled send times of an open loop, as offsets from the start of the run. Deterministic for a seed,
 * so a run can be repeated with the same arrivals.
 *
 * <p>The schedule is built on "unit time": each gap is drawn with mean 1 (exponential for Poisson, 1 for
 * constant, gamma(shape k, scale 1/k) for gamma), summed to {@code u}, then mapped to wall time through
 * the inverse of the cumulative rate {@code Λ(t) = ∫₀ᵗ λ(s) ds} (time-change theorem: a unit-rate process
 * on {@code u} becomes one of intensity {@code λ(t)} at {@code t = Λ⁻¹(u)}). Without ramp-up
 * {@code λ = R} and {@code t = u / R}. With a ramp-up of {@code S} seconds the rate grows linearly from 0
 * to {@code R}, so {@code Λ(t) = R t² / 2S} for {@code t < S} and {@code R S / 2 + R (t − S)} after.
 *
 * <p>The first request is sent at offset 0. Not thread-safe; the dispatcher owns it.
 */
public final class ArrivalSchedule {
    private final LoadShape.Open shape;
    private final double rampSeconds;
    private final SplittableRandom random;
    private double unitTime;
    private boolean first = true;

    public ArrivalSchedule(LoadShape.Open shape, Duration rampUp, long seed) {
        this.shape = shape;
        this.rampSeconds = rampUp == null ? 0 : rampUp.toNanos() / 1e9;
        this.random = new SplittableRandom(seed);
    }

    /** Offset of the next arrival from the start of the run, in nanoseconds (non-decreasing). */
    public long nextOffsetNanos() {
        if (Double.isInfinite(shape.rate())) {
            return 0;
        }
        if (first) {
            first = false;
        } else {
            unitTime += nextGap();
        }
        return Math.round(wallSeconds(unitTime) * 1e9);
    }

    /** A gap with mean 1 under the configured law. */
    private double nextGap() {
        return switch (shape.arrival()) {
            case POISSON -> -Math.log(1.0 - random.nextDouble());
            case CONSTANT -> 1.0;
            case GAMMA -> gamma(shape.burstiness()) / shape.burstiness();
        };
    }

    /** {@code Λ⁻¹(u)} in seconds for the linear ramp described in the class comment. */
    double wallSeconds(double u) {
        double r = shape.rate();
        if (rampSeconds <= 0) {
            return u / r;
        }
        double rampUnits = r * rampSeconds / 2;
        if (u < rampUnits) {
            return Math.sqrt(2 * rampSeconds * u / r);
        }
        return rampSeconds + (u - rampUnits) / r;
    }

    /**
     * A Gamma(k, 1) draw by Marsaglia and Tsang's method ("A simple method for generating gamma variables",
     * ACM TOMS 26(3), 2000); for k &lt; 1 the boost {@code Gamma(k+1) · U^(1/k)} from the same paper.
     */
    private double gamma(double k) {
        if (k < 1) {
            return gamma(k + 1) * Math.pow(1.0 - random.nextDouble(), 1.0 / k);
        }
        double d = k - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1.0 - random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
