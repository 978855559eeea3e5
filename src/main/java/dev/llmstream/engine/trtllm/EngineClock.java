package dev.llmstream.engine.trtllm;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Converts the shim's steady-clock nanoseconds (the Executor's {@code std::chrono::steady_clock})
 * into this JVM's {@link System#nanoTime()} scale, which every {@code RequestMetrics} timestamp uses,
 * and into epoch nanoseconds for spans. Both are monotonic clocks (on Linux usually the same
 * CLOCK_MONOTONIC), so one offset measured at start holds; it is taken as the tightest of a few
 * samples bracketed by {@code nanoTime} reads.
 *
 * @param steadyToNano  add to a steady timestamp to get a nanoTime value
 * @param steadyToEpoch add to a steady timestamp to get Unix epoch nanoseconds
 */
record EngineClock(long steadyToNano, long steadyToEpoch) {

    /** An identity clock (tests, and engines that stamp with nanoTime already). */
    static final EngineClock IDENTITY = new EngineClock(0, System.currentTimeMillis() * 1_000_000L - System.nanoTime());

    static EngineClock calibrate() {
        try (PointerScope scope = new PointerScope()) {
            LongPointer steady = new LongPointer(1);
            LongPointer unix = new LongPointer(1);
            long bestGap = Long.MAX_VALUE;
            long toNano = 0;
            long toEpoch = 0;
            for (int i = 0; i < 5; i++) {
                long before = System.nanoTime();
                TrtllmShim.tls_clock_pair(steady, unix);
                long after = System.nanoTime();
                if (after - before < bestGap) {
                    bestGap = after - before;
                    toNano = before + (after - before) / 2 - steady.get();
                    toEpoch = unix.get() - steady.get();
                }
            }
            return new EngineClock(toNano, toEpoch);
        }
    }

    /** A steady timestamp as nanoTime; 0 (not yet) stays 0. */
    long toNanoTime(long steadyNs) {
        return steadyNs <= 0 ? 0 : steadyNs + steadyToNano;
    }

    /** A steady timestamp as Unix epoch nanoseconds; 0 stays 0. */
    long toEpochNanos(long steadyNs) {
        return steadyNs <= 0 ? 0 : steadyNs + steadyToEpoch;
    }
}
