package dev.llmstream.engine.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Once compiled, the one-query attention allocates nothing per call: the pass-structured kernel
 * ({@link AttentionPasses}) keeps its accumulators in registers, and a vector C2 fails to keep there is
 * boxed on the heap every position. Head size 64 (the golden models' heads are smaller, so the
 * forward-pass guard does not reach this path). The same for the tiled prefill attention ({@link TiledAttention}),
 * which that guard's short prompts do not reach either.
 */
@Tag("allocation") // runs in its own JVM (pom.xml, execution allocation-tests)
class AttentionAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void compiledDecodeAttentionAllocatesNothing() {
        int headDim = 64;
        assumeTrue(AttentionPasses.applies(headDim, 16), "needs 16-lane vectors");
        SplittableRandom rnd = new SplittableRandom(5);
        int kvDim = 2 * headDim;
        int nPos = 600;
        Kv kv = Kv.random(rnd, nPos, kvDim);
        float[] q = new float[4 * headDim];
        for (int i = 0; i < q.length; i++) {
            q[i] = F16.round((float) rnd.nextDouble(-1, 1));
        }
        float[] out = new float[q.length];
        float[] scratch = new float[Attention.scratchSize(2, headDim)];
        long perCall = allocatedPerCall(400, () -> {
            for (int i = 0; i < 200; i++) {
                // two heads of a group (their values accumulated together) and one alone
                Attention.attend(q, 0, out, 0, 2, 2, 1, headDim, kv.k, kv.v, kvDim, kv.table, 16, nPos - i, 0.125f,
                        i % 2 == 0, scratch);
                Attention.attend(q, 0, out, 0, 1, 1, 0, headDim, kv.k, kv.v, kvDim, kv.table, 16, nPos - i, 0.125f,
                        i % 2 == 0, scratch);
            }
        });
        assertThat(perCall).as("bytes allocated per attention call after warm-up").isZero();
    }

    @Test
    void compiledTiledAttentionAllocatesNothing() {
        int headDim = 64;
        SplittableRandom rnd = new SplittableRandom(6);
        int kvDim = 2 * headDim;
        int nPos = 300;
        Kv kv = Kv.random(rnd, nPos, kvDim);
        float[] q = new float[6 * headDim];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] out = new float[q.length];
        float[] scratch = new float[Math.max(TiledAttention.scratchSize(3, headDim),
                TiledAttention.blockScratchSize(3, headDim))];
        long perCall = allocatedPerCall(400, () -> {
            for (int i = 0; i < 200; i++) {
                // a group of three: two heads together, then one alone; full and partial tiles
                TiledAttention.attend(q, 0, out, 0, 3, 3, 1, headDim, kv.k, kv.v, kvDim, kv.table, 16, nPos - i, 0.125f,
                        scratch);
                // and a block of prompt tokens (the forward pass's path for them)
                TiledAttention.attendBlock(q, 0, 0, out, 0, 1 + i % TiledAttention.Q_BLOCK, nPos - i - 3, 3, 3, 1,
                        headDim, kv.k, kv.v, kvDim, kv.table, 16, 0.125f, scratch);
            }
        });
        assertThat(perCall).as("bytes allocated per tiled attention call after warm-up").isZero();
    }

    /** Runs {@code round} ({@code calls} kernel calls) until a round allocates nothing or a minute passes. */
    private static long allocatedPerCall(int calls, Runnable round) {
        long perCall = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (perCall > 0 && System.nanoTime() < deadline) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            round.run();
            perCall = (THREADS.getCurrentThreadAllocatedBytes() - before) / calls;
        }
        return perCall;
    }

    /** A paged KV cache of {@code nPos} positions: blocks of 16 in reverse order, F16 values in [−1, 1). */
    private record Kv(int[] table, float[] k, float[] v) {
        static Kv random(SplittableRandom rnd, int nPos, int kvDim) {
            int[] table = new int[(nPos + 15) / 16];
            for (int i = 0; i < table.length; i++) {
                table[i] = table.length - 1 - i;
            }
            float[] k = new float[table.length * 16 * kvDim];
            float[] v = new float[k.length];
            for (int i = 0; i < k.length; i++) {
                k[i] = F16.round((float) rnd.nextDouble(-1, 1));
                v[i] = F16.round((float) rnd.nextDouble(-1, 1));
            }
            return new Kv(table, k, v);
        }
    }
}
