package dev.llmstream.engine.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pass-structured one-query attention ({@link AttentionPasses}) against the plain position-by-position
 * loop it replaces: the same bits for every output, over paged KV with shuffled blocks, KV lengths around
 * the tile and split boundaries, grouped heads and both ggml paths (lone query: split-KV; in a batch: one
 * range).
 */
class AttentionPassesTest {
    private static final int BLOCK = 16;

    @ParameterizedTest(name = "headDim {0}, group {1}, nPos {2}, split {3}, |v| <= {4}")
    @CsvSource({
            "64, 1, 1, true, 1", "64, 1, 15, true, 1", "64, 1, 17, false, 1", "64, 3, 200, false, 1",
            "64, 1, 256, true, 1", "64, 1, 257, true, 1", "64, 3, 300, true, 1", "64, 1, 511, false, 1",
            "64, 2, 700, true, 1", "64, 1, 1100, true, 1", "128, 1, 33, true, 1", "128, 4, 600, true, 1",
            "128, 1, 1025, false, 1",
            // accumulators in F16's subnormal range (below 2^-14), where the rounding grid is fixed at 2^-24
            "64, 3, 300, true, 1e-5", "128, 2, 257, false, 3e-5", "64, 1, 40, true, 2e-7"})
    void matchesThePlainLoopBitForBit(int headDim, int group, int nPos, boolean split, double vRange) {
        assumeTrue(AttentionPasses.applies(headDim, 16), "needs 16-lane vectors");
        SplittableRandom rnd = new SplittableRandom(31L * nPos + headDim + group);
        int nKvHeads = 2;
        int kvHead = 1;
        int kvDim = nKvHeads * headDim;
        int blocks = (nPos + BLOCK - 1) / BLOCK + 3;
        int[] table = shuffledBlocks(blocks, rnd);
        float[] k = f16Values(blocks * BLOCK * kvDim, rnd, 1.5);
        float[] v = f16Values(blocks * BLOCK * kvDim, rnd, vRange);
        int nHead = group * nKvHeads;
        // a few large query values make the running maximum move late (rescales mid-tile)
        float[] q = f16Values(nHead * headDim, rnd, 0.8);
        q[kvHead * group * headDim + 3] = 6f;
        float scale = (float) (1 / Math.sqrt(headDim));
        int scratch = Attention.scratchSize(group, headDim);
        float[] expected = new float[nHead * headDim];
        float[] actual = new float[nHead * headDim];
        Attention.attend(q, 0, expected, 0, kvHead * group, group, kvHead, headDim, k, v, kvDim, table, BLOCK, nPos,
                scale, split, new float[scratch], false);
        Attention.attend(q, 0, actual, 0, kvHead * group, group, kvHead, headDim, k, v, kvDim, table, BLOCK, nPos,
                scale, split, new float[scratch], true);
        for (int i = 0; i < actual.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("output %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        assertThat(expected[kvHead * group * headDim]).isNotZero();
    }

    private static int[] shuffledBlocks(int n, SplittableRandom rnd) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int x = t[i];
            t[i] = t[j];
            t[j] = x;
        }
        return t;
    }

    private static float[] f16Values(int n, SplittableRandom rnd, double range) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = F16.round((float) rnd.nextDouble(-range, range));
        }
        return a;
    }
    @ParameterizedTest(name = "headDim {0}, group {1}, first nPos {2}, tokens {3}, split {4}")
    @CsvSource({"64, 3, 600, 4, true", "64, 3, 600, 3, false", "64, 2, 1000, 4, true", "128, 3, 700, 2, true",
            "64, 1, 40, 4, true", "64, 3, 510, 4, true", "64, 3, 255, 2, true", "64, 3, 256, 2, true",
            "64, 1, 256, 3, false"})
    void aBlockOfQueriesMatchesOneQueryAtATime(int headDim, int group, int nPos0, int count, boolean split) {
        assumeTrue(AttentionPasses.applies(headDim, 16), "needs 16-lane vectors");
        SplittableRandom rnd = new SplittableRandom(7L * nPos0 + headDim + group + count);
        int nKvHeads = 2;
        int kvHead = 1;
        int kvDim = nKvHeads * headDim;
        int blocks = (nPos0 + count + BLOCK - 1) / BLOCK + 2;
        int[] table = shuffledBlocks(blocks, rnd);
        float[] k = f16Values(blocks * BLOCK * kvDim, rnd, 1.5);
        float[] v = f16Values(blocks * BLOCK * kvDim, rnd, 1.0);
        int qDim = group * nKvHeads * headDim;
        float[] q = f16Values(count * qDim, rnd, 0.8);
        q[kvHead * group * headDim + 9] = 6f;
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] expected = new float[count * qDim];
        float[] actual = new float[count * qDim];
        for (int j = 0; j < count; j++) {
            Attention.attend(q, j * qDim, expected, j * qDim, kvHead * group, group, kvHead, headDim, k, v, kvDim, table,
                    BLOCK, nPos0 + j, scale, split, new float[Attention.scratchSize(group, headDim)]);
        }
        Attention.attendBlock(q, 0, qDim, actual, 0, count, nPos0, kvHead * group, group, kvHead, headDim, k, v, kvDim,
                table, BLOCK, scale, split, new float[Attention.blockScratchSize(count, group, headDim)]);
        for (int i = 0; i < actual.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("output %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        assertThat(expected[kvHead * group * headDim]).isNotZero();
    }
}
