package dev.llmstream.engine.trtllm;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Converts the shim's steady-clock nanoseconds (the Executor's {@code std::chrono::steady_clock})
 * into this JVM's {@link System#nanoTime()} scale, which every {@code RequestMetrics} timestamp uses
 * (telemetry turns those into span times). Both are monotonic clocks (on Linux usually the same
 * CLOCK_MONOTONIC), so one offset measured at start holds; it is taken from the tightest of a few
 * {@code tls_clock_pair} samples bracketed by {@code nanoTime} reads.
 *
 * @param steadyToNano add to a steady timestamp to get a nanoTime value
 */
record EngineClock(long steadyToNano) {

    static EngineClock calibrate() {
        try (PointerScope scope = new PointerScope()) {
            LongPointer steady = new LongPointer(1);
            long bestGap = Long.MAX_VALUE;
            long toNano = 0;
            for (int i = 0; i < 5; i++) {
                long before = System.nanoTime();
                TrtllmShim.tls_clock_pair(steady, null);
                long after = System.nanoTime();
                if (after - before < bestGap) {
                    bestGap = after - before;
                    toNano = before + (after - before) / 2 - steady.get();
                }
            }
            return new EngineClock(toNano);
        }
    }

    /** A steady timestamp as nanoTime; 0 (not yet) stays 0. */
    long toNanoTime(long steadyNs) {
        return steadyNs <= 0 ? 0 : steadyNs + steadyToNano;
    }
}
