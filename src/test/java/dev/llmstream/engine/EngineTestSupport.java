package dev.llmstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

/** Helpers shared by engine tests. */
public final class EngineTestSupport {
    private EngineTestSupport() {}

    /**
     * Waits until the engine reports nothing running or waiting and no KV block in use (stats are
     * published after each step, so a final output can arrive before the snapshot that reflects it).
     */
    public static void awaitIdle(InferenceEngine engine) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            EngineStats s = engine.stats();
            if (s.running() == 0 && s.waiting() == 0 && s.kvBlocksUsed() == 0) {
                return;
            }
            Thread.sleep(5);
        }
        EngineStats s = engine.stats();
        assertThat(s.kvBlocksUsed()).as("KV blocks still in use after all requests ended").isZero();
        assertThat(s.running() + s.waiting()).as("requests still in the engine").isZero();
    }
}
