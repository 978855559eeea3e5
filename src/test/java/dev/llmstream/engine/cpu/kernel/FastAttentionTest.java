package dev.llmstream.engine.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.llmstream.engine.cpu.kv.KvStorage;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fast-numerics attention against softmax attention computed in double: within float accumulation error, for group
 * sizes across the four-head passes, head sizes of 32 and 64 and history lengths around the 16-slot blocks; the
 * staged layout is written by {@link KvStorage#stage} itself.
 */
class FastAttentionTest {
    @ParameterizedTest
    @CsvSource({"1, 64, 1", "3, 64, 15", "3, 64, 16", "3, 64, 17", "5, 32, 100", "4, 64, 257", "2, 32, 1", "8, 64, 40"})
    void matchesSoftmaxAttentionInDouble(int group, int headDim, int nPos) {
        assumeThat(FastAttention.applies(headDim)).as("16-lane vectors").isTrue();
        SplittableRandom rnd = new SplittableRandom(31L * group + nPos);
        int nKv = 2;
        int kvDim = nKv * headDim;
        int blocks = (nPos + 15) / 16;
        KvStorage kv = new KvStorage(1, blocks + 2, 16, kvDim, headDim);
        int[] table = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            table[b] = blocks + 1 - b;
        }
        float[][] keys = new float[nPos][];
        float[][] values = new float[nPos][];
        for (int j = 0; j < nPos; j++) {
            keys[j] = halves(rnd, kvDim, 2.0);
            values[j] = halves(rnd, kvDim, 1.0);
            kv.writeKey(0, table, j, keys[j], 0);
            kv.writeValue(0, table, j, values[j], 0);
        }
        int kvHead = 1;
        int firstHead = kvHead * group;
        int nHead = nKv * group;
        float[] q = halves(rnd, nHead * headDim, 1.0);
        float[] ks = new float[KvStorage.stagedSize(nPos, headDim)];
        float[] vs = new float[KvStorage.stagedSize(nPos, headDim)];
        kv.stage(0, table, kvHead, nPos, ks, vs);
        float[] out = new float[nHead * headDim];
        float scale = (float) (1 / Math.sqrt(headDim));
        FastAttention.attend(q, 0, out, 0, firstHead, group, headDim, ks, vs, nPos, scale,
                new float[FastAttention.scratchSize(nPos, group)]);
        for (int g = 0; g < group; g++) {
            int h = firstHead + g;
            double[] w = new double[nPos];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < nPos; j++) {
                double dot = 0;
                for (int e = 0; e < headDim; e++) {
                    dot += (double) q[h * headDim + e] * keys[j][kvHead * headDim + e];
                }
                w[j] = dot * scale;
                max = Math.max(max, w[j]);
            }
            double sum = 0;
            for (int j = 0; j < nPos; j++) {
                w[j] = Math.exp(w[j] - max);
                sum += w[j];
            }
            for (int e = 0; e < headDim; e++) {
                double want = 0;
                for (int j = 0; j < nPos; j++) {
                    want += w[j] / sum * values[j][kvHead * headDim + e];
                }
                assertThat((double) out[h * headDim + e]).as("head %d dim %d", h, e).isCloseTo(want,
                        org.assertj.core.data.Offset.offset(2e-6 + 2e-6 * Math.abs(want)));
            }
        }
        for (int h = 0; h < firstHead; h++) {
            assertThat(out[h * headDim]).as("other KV groups' heads untouched").isZero();
        }
    }

    private static float[] halves(SplittableRandom rnd, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = Float.float16ToFloat(Float.floatToFloat16((float) (rnd.nextGaussian() * sd)));
        }
        return a;
    }
}
