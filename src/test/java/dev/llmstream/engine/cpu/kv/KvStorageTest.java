package dev.llmstream.engine.cpu.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KvStorageTest {
    @Test
    void keysAreStoredTransposedWithinTheirBlock() {
        KvStorage kv = new KvStorage(2, 4, 16, 6, 3);
        int[] table = {2, 0};
        float[] key = {1, 2, 3, 4, 5, 6};
        kv.writeKey(1, table, 17, key, 0); // block 0, slot 1
        for (int e = 0; e < 6; e++) {
            assertThat(kv.key(1, table, 17, e)).isEqualTo(key[e]);
            assertThat(kv.key(0, table, 17, e)).isZero(); // other layers untouched
            assertThat(kv.key(1, table, 16, e)).isZero(); // the neighbouring slot too
            assertThat(kv.value(1, table, 17, e)).isZero(); // and the values
        }
        assertThat(KvStorage.keyOffset(2, 3, 5, 6, 16)).isEqualTo((2 * 6 + 5) * 16 + 3);
    }

    @Test
    void valuesAreHalvesExactForF16AndRoundedToNearestEvenOtherwise() {
        KvStorage kv = new KvStorage(1, 1, 16, 4, 4);
        int[] table = {0};
        float ulpAt1 = 0x1p-10f; // F16 spacing in [1, 2)
        float[] row = {1.5f, -65504f, 1f + ulpAt1 / 2, 1f + 3 * ulpAt1 / 2};
        kv.writeValue(0, table, 3, row, 0);
        assertThat(kv.value(0, table, 3, 0)).isEqualTo(1.5f);
        assertThat(kv.value(0, table, 3, 1)).isEqualTo(-65504f);
        assertThat(kv.value(0, table, 3, 2)).isEqualTo(1f);               // tie: to the even neighbour
        assertThat(kv.value(0, table, 3, 3)).isEqualTo(1f + 2 * ulpAt1);  // tie: to the even neighbour
        assertThat(KvStorage.bytesPerBlock(32, 16, 320)).isEqualTo(2L * 32 * 16 * 320 * 2);
    }

    @Test
    void copyBlockCarriesKeysAndValues() {
        KvStorage kv = new KvStorage(1, 3, 4, 2, 1);
        int[] src = {1};
        int[] dst = {2};
        for (int pos = 0; pos < 3; pos++) {
            kv.writeKey(0, src, pos, new float[] {pos, -pos}, 0);
            kv.writeValue(0, src, pos, new float[] {10 + pos, 20 + pos}, 0);
        }
        kv.copyBlock(1, 2, 3);
        for (int pos = 0; pos < 3; pos++) {
            assertThat(kv.key(0, dst, pos, 0)).isEqualTo(pos);
            assertThat(kv.key(0, dst, pos, 1)).isEqualTo(-pos);
            assertThat(kv.value(0, dst, pos, 1)).isEqualTo(20 + pos);
        }
    }

    /** The staged copy is the head's history in the layout the attention kernels read, whatever the block size. */
    @ParameterizedTest
    @ValueSource(ints = {16, 32, 8, 5})
    void stagingCopiesOneHeadInSixteenSlotBlocks(int blockSize) {
        int kvDim = 3 * 8;
        int headDim = 8;
        int n = 37;
        int blocks = (n + blockSize - 1) / blockSize;
        KvStorage kv = new KvStorage(2, blocks + 3, blockSize, kvDim, headDim);
        int[] table = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            table[b] = blocks + 2 - b; // scattered, reversed
        }
        SplittableRandom rnd = new SplittableRandom(blockSize);
        float[] keys = new float[n * kvDim];
        float[] values = new float[n * kvDim];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Float.float16ToFloat(Float.floatToFloat16((float) rnd.nextGaussian()));
            values[i] = Float.float16ToFloat(Float.floatToFloat16((float) rnd.nextGaussian()));
        }
        for (int pos = 0; pos < n; pos++) {
            kv.writeKey(1, table, pos, keys, pos * kvDim);
            kv.writeValue(1, table, pos, values, pos * kvDim);
        }
        int kvOff = headDim; // the second KV head
        float[] k = new float[KvStorage.stagedSize(n, headDim)];
        float[] v = new float[KvStorage.stagedSize(n, headDim)];
        assertThat(k).hasSize(48 * headDim);
        kv.stage(1, table, 1, n, k, v);
        int[] staged = KvStorage.stagedTable(n, new int[0]);
        assertThat(staged.length).isGreaterThanOrEqualTo(3);
        for (int pos = 0; pos < n; pos++) {
            for (int e = 0; e < headDim; e++) {
                int b = pos / KvStorage.STAGE_BLOCK;
                int at = KvStorage.keyOffset(staged[b], pos % KvStorage.STAGE_BLOCK, e, headDim, KvStorage.STAGE_BLOCK);
                assertThat(k[at]).isEqualTo(keys[pos * kvDim + kvOff + e]);
                assertThat(v[pos * headDim + e]).isEqualTo(values[pos * kvDim + kvOff + e]);
            }
        }
    }

    @Test
    void rejectsSizesOutOfRange() {
        assertThatThrownBy(() -> new KvStorage(1, 0, 16, 8, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KvStorage(1, 4, 16, 12, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KvStorage(1, KvStorage.maxBlocks(16, 320) + 1, 16, 320, 64))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
