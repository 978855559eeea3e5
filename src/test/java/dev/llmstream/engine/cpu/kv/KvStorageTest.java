package dev.llmstream.engine.cpu.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KvStorageTest {
    @Test
    void keysAreStoredTransposedWithinTheirBlock() {
        KvStorage kv = new KvStorage(2, 4, 16, 6);
        int[] table = {2, 0};
        float[] key = {1, 2, 3, 4, 5, 6};
        kv.writeKey(1, table, 17, key, 0); // block 0, slot 1
        float[] k = kv.keys(1);
        for (int e = 0; e < 6; e++) {
            assertThat(k[(0 * 6 + e) * 16 + 1]).isEqualTo(key[e]);
            assertThat(kv.key(1, table, 17, e)).isEqualTo(key[e]);
        }
        assertThat(KvStorage.keyOffset(2, 3, 5, 6, 16)).isEqualTo((2 * 6 + 5) * 16 + 3);
        assertThat(kv.keys(0)).containsOnly(0f); // other layers untouched
        assertThat(kv.rowOffset(table, 17)).isEqualTo((0 * 16 + 1) * 6);
    }

    @Test
    void copyBlockCarriesKeysAndValues() {
        KvStorage kv = new KvStorage(1, 3, 4, 2);
        int[] src = {1};
        int[] dst = {2};
        for (int pos = 0; pos < 3; pos++) {
            kv.writeKey(0, src, pos, new float[] {pos, -pos}, 0);
            System.arraycopy(new float[] {10 + pos, 20 + pos}, 0, kv.values(0), kv.rowOffset(src, pos), 2);
        }
        kv.copyBlock(1, 2, 3);
        for (int pos = 0; pos < 3; pos++) {
            assertThat(kv.key(0, dst, pos, 0)).isEqualTo(pos);
            assertThat(kv.key(0, dst, pos, 1)).isEqualTo(-pos);
            assertThat(kv.values(0)[kv.rowOffset(dst, pos) + 1]).isEqualTo(20 + pos);
        }
    }

    @Test
    void rejectsSizesOutOfRange() {
        assertThatThrownBy(() -> new KvStorage(1, 0, 16, 8)).isInstanceOf(IllegalArgumentException.class);
    }
}
