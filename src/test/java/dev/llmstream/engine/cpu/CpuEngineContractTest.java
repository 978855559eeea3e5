package dev.llmstream.engine.cpu;

import dev.llmstream.engine.EngineContractTest;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.engine.core.scheduler.SchedulerConfig;
import dev.llmstream.testing.SharedAssets;
import java.util.SplittableRandom;

/** The engine contract kit against the CPU engine on stories260K (real weights, 512-token vocab). */
class CpuEngineContractTest extends EngineContractTest {
    @Override
    protected InferenceEngine createEngine() throws Exception {
        CpuEngineConfig cfg = CpuEngineConfig.of(SharedAssets.model("stories260K.gguf"), new int[] {2})
                .withThreads(2)
                .withScheduler(new SchedulerConfig(64, 8, maxWaiting(), true))
                .withKvCacheBytes(8L << 20);
        return CpuEngine.start(cfg);
    }

    @Override
    protected int maxWaiting() {
        return 8;
    }

    @Override
    protected int[] prompt(int n, int variant) {
        SplittableRandom r = new SplittableRandom(variant);
        int[] p = new int[n];
        p[0] = 1;
        for (int i = 1; i < n; i++) {
            p[i] = 3 + r.nextInt(509);
        }
        return p;
    }
}
