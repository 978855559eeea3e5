package dev.llmstream.engine.core.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlockPoolTest {
    private static final int[] A = {1, 2, 3, 4};
    private static final int[] B = {5, 6, 7, 8};

    @Test
    void allocatesInOrderAndFailsAsAValueWhenFull() {
        BlockPool pool = new BlockPool(3, 4);
        assertThat(pool.allocate()).isEqualTo(0);
        assertThat(pool.allocate()).isEqualTo(1);
        assertThat(pool.allocate()).isEqualTo(2);
        assertThat(pool.allocate()).isEqualTo(-1);
        assertThat(pool.usedBlocks()).isEqualTo(3);
        pool.free(1);
        assertThat(pool.freeQueue()).containsExactly(1);
        assertThat(pool.allocate()).isEqualTo(1);
    }

    @Test
    void freedBlocksQueueLeastRecentlyFreedFirst() {
        BlockPool pool = new BlockPool(4, 4);
        int a = pool.allocate();
        int b = pool.allocate();
        int c = pool.allocate();
        pool.free(b);
        pool.free(a);
        pool.free(c);
        // block 3 was never used and sits at the head; then b, a, c in freeing order
        assertThat(pool.freeQueue()).containsExactly(3, 1, 0, 2);
    }

    @Test
    void cachedBlocksAreReusedUntilEvictedLru() {
        BlockPool pool = new BlockPool(3, 4);
        long ha = BlockHash.of(0, A, 0, 4, 0);
        long hb = BlockHash.of(ha, B, 0, 4, 0);
        int a = pool.allocate();
        int b = pool.allocate();
        pool.commit(a, ha, -1, A, 0, 0);
        pool.commit(b, hb, a, B, 0, 0);
        pool.free(a);
        pool.free(b);
        assertThat(pool.freeQueue()).containsExactly(2, 0, 1);
        assertThat(pool.cachedBlocks()).isEqualTo(2);

        // a second sequence with the same prefix takes both cached blocks out of the free queue
        assertThat(pool.acquireCached(ha, -1, A, 0, 0)).isEqualTo(a);
        assertThat(pool.acquireCached(hb, a, B, 0, 0)).isEqualTo(b);
        assertThat(pool.freeQueue()).containsExactly(2);
        assertThat(pool.refCount(a)).isEqualTo(1);
        pool.free(b);
        pool.free(a);
        assertThat(pool.freeQueue()).containsExactly(2, 1, 0);

        // pressure: allocation evicts in LRU order, dropping hashes
        assertThat(pool.allocate()).isEqualTo(2);
        assertThat(pool.allocate()).isEqualTo(1);
        assertThat(pool.isCached(1)).isFalse();
        assertThat(pool.acquireCached(hb, a, B, 0, 0)).isEqualTo(-1);
        assertThat(pool.acquireCached(ha, -1, A, 0, 0)).isEqualTo(0);
        assertThat(pool.cachedBlocks()).isEqualTo(1);
    }

    @Test
    void sharedBlocksAreCountedOnce() {
        BlockPool pool = new BlockPool(2, 4);
        long ha = BlockHash.of(0, A, 0, 4, 0);
        int a = pool.allocate();
        pool.commit(a, ha, -1, A, 0, 0);
        assertThat(pool.acquireCached(ha, -1, A, 0, 0)).isEqualTo(a);
        assertThat(pool.refCount(a)).isEqualTo(2);
        assertThat(pool.usedBlocks()).isEqualTo(1);
        pool.free(a);
        assertThat(pool.usedBlocks()).isEqualTo(1);
        pool.free(a);
        assertThat(pool.usedBlocks()).isZero();
        assertThatThrownBy(() -> pool.free(a)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void hitsAreVerifiedAgainstTokensParentAndSalt() {
        BlockPool pool = new BlockPool(2, 4);
        long ha = BlockHash.of(0, A, 0, 4, 0);
        int a = pool.allocate();
        pool.commit(a, ha, -1, A, 0, 0);
        // same hash value presented with other tokens (a forged collision) is not a hit
        assertThat(pool.acquireCached(ha, -1, B, 0, 0)).isEqualTo(-1);
        assertThat(pool.acquireCached(ha, 1, A, 0, 0)).isEqualTo(-1);
        assertThat(pool.acquireCached(ha, -1, A, 0, 7)).isEqualTo(-1);
        assertThat(BlockHash.of(0, A, 0, 4, 7)).isNotEqualTo(ha);
    }

    @Test
    void duplicateContentStaysUncached() {
        BlockPool pool = new BlockPool(2, 4);
        long ha = BlockHash.of(0, A, 0, 4, 0);
        int x = pool.allocate();
        int y = pool.allocate();
        pool.commit(x, ha, -1, A, 0, 0);
        pool.commit(y, ha, -1, A, 0, 0);
        assertThat(pool.isCached(x)).isTrue();
        assertThat(pool.isCached(y)).isFalse();
    }
}
