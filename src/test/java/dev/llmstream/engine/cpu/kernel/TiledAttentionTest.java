package dev.llmstream.engine.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tiled (prefill) attention's interleaved kernels — a whole 64-key tile and two heads per pass — against
 * the one-head, sixteen-keys-at-a-time loop they replace: the same bits for every output, over paged KV with
 * shuffled blocks, partial last tiles, odd and even group sizes and two block sizes. The reference path itself
 * is held to llama.cpp by the golden and logit-dump comparisons.
 */
class TiledAttentionTest {
    @ParameterizedTest(name = "headDim {0}, group {1}, nPos {2}, blockSize {3}")
    @CsvSource({
            "64, 1, 1, 16", "64, 1, 15, 16", "64, 3, 64, 16", "64, 3, 65, 16", "64, 2, 100, 16",
            "64, 3, 300, 32", "64, 4, 129, 16", "128, 1, 70, 16", "128, 2, 200, 32", "128, 3, 47, 16",
            "32, 3, 90, 16", "64, 3, 90, 8"})
    void interleavedKernelsMatchTheReferenceBitForBit(int headDim, int group, int nPos, int blockSize) {
        SplittableRandom rnd = new SplittableRandom(17L * nPos + 5L * headDim + group + blockSize);
        int nKvHeads = 2;
        int kvHead = 1;
        int kvDim = nKvHeads * headDim;
        int blocks = (nPos + blockSize - 1) / blockSize + 2;
        int[] table = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            table[i] = i;
        }
        for (int i = blocks - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int x = table[i];
            table[i] = table[j];
            table[j] = x;
        }
        float[] k = f16Values(blocks * blockSize * kvDim, rnd, 1.5);
        float[] v = f16Values(blocks * blockSize * kvDim, rnd, 1.0);
        int nHead = group * nKvHeads;
        float[] q = new float[nHead * headDim];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) rnd.nextDouble(-0.8, 0.8); // F32 queries on this path
        }
        q[kvHead * group * headDim + 5] = 7f; // a late, large maximum: rescales between tiles
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] expected = new float[nHead * headDim];
        float[] actual = new float[nHead * headDim];
        int scratch = TiledAttention.scratchSize(group, headDim);
        TiledAttention.attend(q, 0, expected, 0, kvHead * group, group, kvHead, headDim, k, v, kvDim, table,
                blockSize, nPos, scale, new float[scratch], false);
        TiledAttention.attend(q, 0, actual, 0, kvHead * group, group, kvHead, headDim, k, v, kvDim, table,
                blockSize, nPos, scale, new float[scratch], true);
        for (int i = 0; i < actual.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("output %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        assertThat(expected[kvHead * group * headDim]).isNotZero();
    }

    private static float[] f16Values(int n, SplittableRandom rnd, double range) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = F16.round((float) rnd.nextDouble(-range, range));
        }
        return a;
    }
    @ParameterizedTest(name = "headDim {0}, group {1}, first nPos {2}, tokens {3}")
    @CsvSource({"64, 3, 64, 4", "64, 3, 126, 4", "64, 2, 1, 3", "128, 3, 300, 4", "64, 1, 200, 2", "64, 4, 63, 1"})
    void aBlockOfQueriesMatchesOneQueryAtATime(int headDim, int group, int firstPos, int count) {
        org.junit.jupiter.api.Assumptions.assumeTrue(TiledAttention.blocks(headDim, 16), "needs 16-lane vectors");
        SplittableRandom rnd = new SplittableRandom(41L * firstPos + headDim + group + count);
        int blockSize = 16;
        int nKvHeads = 2;
        int kvHead = 1;
        int kvDim = nKvHeads * headDim;
        int nHead = group * nKvHeads;
        int qDim = nHead * headDim;
        int maxPos = firstPos + count - 1;
        int blocks = (maxPos + blockSize - 1) / blockSize + 2;
        int[] table = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            table[i] = (i * 5 + 3) % blocks;
        }
        float[] k = f16Values(blocks * blockSize * kvDim, rnd, 1.5);
        float[] v = f16Values(blocks * blockSize * kvDim, rnd, 1.0);
        float[] q = new float[count * qDim];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) rnd.nextDouble(-0.9, 0.9);
        }
        q[2 * qDim / 3] = 6f;
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] expected = new float[count * qDim];
        float[] actual = new float[count * qDim];
        for (int j = 0; j < count; j++) {
            TiledAttention.attend(q, j * qDim, expected, j * qDim, kvHead * group, group, kvHead, headDim, k, v, kvDim,
                    table, blockSize, firstPos + j, scale, new float[TiledAttention.scratchSize(group, headDim)]);
        }
        TiledAttention.attendBlock(q, 0, qDim, actual, 0, count, firstPos, kvHead * group, group, kvHead, headDim, k, v,
                kvDim, table, blockSize, scale, new float[TiledAttention.blockScratchSize(group, headDim)]);
        for (int i = 0; i < actual.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("output %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        assertThat(expected[kvHead * group * headDim]).isNotZero();
    }
}
