package dev.llmstream.engine.cpu.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.cpu.compute.ComputePool;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.testing.SharedAssets;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A compiled forward pass allocates nothing per step: attention, norms, activations and matmuls keep
 * every vector in registers (a vector passed to a method C2 did not inline becomes a heap object, which
 * is correct but many times slower). Runs on one thread so the caller's allocation counter sees all work.
 */
@Tag("allocation") // runs in its own JVM (pom.xml, execution allocation-tests)
class ForwardPassAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @CsvSource({"stories260K.gguf, EXACT", "random/rand-llama-phi3vocab-20M-Q8_0.gguf, EXACT",
            "random/rand-llama-phi3vocab-20M-Q8_0.gguf, FAST"})
    void decodeAndPrefillStepsAllocateNothingOnceCompiled(String model, Numerics numerics) throws Exception {
        try (GgufFile f = GgufFile.open(SharedAssets.model(model)); ComputePool pool = new ComputePool(1, "alloc-test")) {
            ModelConfig c = ModelConfig.from(f);
            ModelWeights w = ModelWeights.load(f, c, numerics);
            KvStorage kv = new KvStorage(c.nLayer(), 8, 16, c.kvDim(), c.headDim());
            ForwardPass fp = new ForwardPass(w, kv, pool, 32, 4);
            int[] table = {0, 1, 2, 3, 4, 5, 6, 7};
            ForwardBatch b = new ForwardBatch(32, 2);
            for (int tokens : new int[] {1, 12}) {
                long perStep = Long.MAX_VALUE;
                long deadline = System.nanoTime() + 90_000_000_000L;
                while (perStep > 0 && System.nanoTime() < deadline) {
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 20; i++) {
                        b.clear();
                        int s = b.addSequence(table, 52);
                        for (int t = 0; t < tokens; t++) {
                            b.addToken(s, 5 + t, 40 + t, t == tokens - 1);
                        }
                        fp.forward(b);
                    }
                    perStep = (THREADS.getCurrentThreadAllocatedBytes() - before) / 20;
                }
                assertThat(perStep).as("%s (%s), %d tokens: bytes allocated per step after warm-up", model, numerics,
                        tokens).isZero();
            }
        }
    }
}
