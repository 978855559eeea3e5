package dev.llmstream.bench;

import java.util.Locale;

/**
 * How requests are offered to the server.
 *
 * <ul>
 *   <li>{@link Closed}: a fixed number of clients, each sending its next request as soon as the previous
 *       one ends ("concurrency" in vLLM bench / GenAI-Perf / AIPerf, guidellm's {@code concurrent}
 *       profile). The server's speed sets the offered load, so a slow server is offered less work: good
 *       for "how fast with C users", not for latency under a given load.</li>
 *   <li>{@link Open}: requests arrive on a schedule that does not depend on the server (vLLM's
 *       {@code --request-rate} with {@code --burstiness}, guidellm's {@code constant}/{@code poisson}).
 *       Latency is measured from the <em>scheduled</em> send time, so time a request waits behind the
 *       concurrency cap or a stalled client counts against the server (no coordinated omission).</li>
 * </ul>
 */
public sealed interface LoadShape {

    /** Inter-arrival law of an open loop. */
    enum Arrival {
        /** Exponential gaps (a Poisson process), vLLM's default ({@code --burstiness 1}). */
        POISSON,
        /** Equal gaps of 1/rate (guidellm {@code constant}, AIPerf {@code constant}). */
        CONSTANT,
        /**
         * Gamma-distributed gaps with shape = burstiness and mean 1/rate, as vLLM's {@code --burstiness}:
         * below 1 burstier than Poisson, above 1 more regular.
         */
        GAMMA
    }

    /** A short human description, e.g. {@code closed loop, concurrency 4}. */
    String describe();

    /** The most requests this shape ever has in flight, or 0 for no limit. */
    int maxInFlight();

    /**
     * Fixed concurrency.
     *
     * @param concurrency clients, each with at most one request in flight
     */
    record Closed(int concurrency) implements LoadShape {
        public Closed {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be >= 1, is " + concurrency);
            }
        }

        @Override
        public String describe() {
            return "closed loop, concurrency " + concurrency;
        }

        @Override
        public int maxInFlight() {
            return concurrency;
        }
    }

    /**
     * Arrivals at a rate that does not depend on the server.
     *
     * @param rate requests per second; {@link Double#POSITIVE_INFINITY} sends everything at once (then the
     *     cap alone shapes the load, like vLLM's default {@code --request-rate inf})
     * @param arrival gap law
     * @param burstiness gamma shape for {@link Arrival#GAMMA} (ignored otherwise)
     * @param maxConcurrency cap on requests in flight; 0 = none. A request that finds the cap full waits
     *     in the client, and that wait is part of its latency
     */
    record Open(double rate, Arrival arrival, double burstiness, int maxConcurrency) implements LoadShape {
        public Open {
            if (!(rate > 0)) {
                throw new IllegalArgumentException("rate must be > 0 requests/s, is " + rate);
            }
            if (arrival == null) {
                throw new IllegalArgumentException("arrival is required");
            }
            if (!(burstiness > 0) || Double.isInfinite(burstiness)) {
                throw new IllegalArgumentException("burstiness must be a finite number > 0, is " + burstiness);
            }
            if (maxConcurrency < 0) {
                throw new IllegalArgumentException("max concurrency must be >= 0, is " + maxConcurrency);
            }
        }

        /** Poisson arrivals without a cap. */
        public static Open poisson(double rate) {
            return new Open(rate, Arrival.POISSON, 1.0, 0);
        }

        @Override
        public String describe() {
            String r = Double.isInfinite(rate) ? "all at once" : String.format(Locale.ROOT, "%.3g req/s", rate);
            String law = switch (arrival) {
                case POISSON -> "poisson";
                case CONSTANT -> "constant";
                case GAMMA -> String.format(Locale.ROOT, "gamma(burstiness %.3g)", burstiness);
            };
            return "open loop, " + r + " " + law + (maxConcurrency > 0 ? ", max concurrency " + maxConcurrency : "");
        }

        @Override
        public int maxInFlight() {
            return maxConcurrency;
        }
    }
}
