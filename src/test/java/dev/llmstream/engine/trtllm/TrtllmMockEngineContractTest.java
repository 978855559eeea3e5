package dev.llmstream.engine.trtllm;

import dev.llmstream.engine.EngineContractTest;
import dev.llmstream.engine.InferenceEngine;
import java.util.SplittableRandom;

/**
 * The engine contract kit against {@link TrtllmEngine} through real JNI into the CPU mock of the
 * TensorRT-LLM shim: marshalling, the poller thread, cancellation, overload and shutdown are the
 * production code paths; only the token arithmetic is fake.
 */
class TrtllmMockEngineContractTest extends EngineContractTest {
    @Override
    protected InferenceEngine createEngine() {
        return MockShim.start("contract", maxWaiting(), "vocab_size=512", "max_batch_size=4", "max_seq_len=4096",
                "kv_blocks=2048", "tokens_per_block=16", "step_us=200");
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
