package dev.llmstream.engine.core.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The KV-cache block allocator with automatic prefix caching (the vLLM v1 design, Kwon et al. 2023
 * "PagedAttention" + its prefix-caching extension). Owned by the engine loop thread; not thread-safe,
 * no locks.
 *
 * <ul>
 *   <li>A block holds {@code blockSize} consecutive positions of one sequence. Blocks are reference
 *       counted: a cached prompt prefix can back many sequences at once.</li>
 *   <li>A <b>full</b> block can be committed under a {@link BlockHash} — hash(parent hash, its token
 *       ids, salt) — and is then findable by later requests with the same prefix.</li>
 *   <li>Blocks with refcount 0 sit in a free queue ordered least-recently-freed first. Allocation
 *       takes the head; if that block was cached, its hash is dropped at that moment (LRU eviction).
 *       Freed cached blocks therefore stay reusable until memory pressure evicts them.</li>
 *   <li>Failure is a value: {@link #allocate()} returns {@code -1} when every block is in use.</li>
 * </ul>
 * Hash hits are verified against the stored token ids and parent block, so a 64-bit collision can
 * never hand a sequence someone else's KV.
 */
public final class BlockPool {
    private final int numBlocks;
    private final int blockSize;
    private final int[] refCount;
    private final long[] hash;       // 0 = not cached
    private final int[] parent;      // parent block of a cached block (-1 for a first block)
    private final long[] salt;
    private final int[] tokens;      // [numBlocks × blockSize] token ids of cached blocks
    // doubly linked free queue over block ids; NONE terminates
    private static final int NONE = -1;
    private final int[] prev;
    private final int[] next;
    private final boolean[] inFree;
    private int head = NONE;
    private int tail = NONE;
    private int freeCount;
    private final Map<Long, Integer> cached = new HashMap<>();
    private int used;

    public BlockPool(int numBlocks, int blockSize) {
        if (numBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("numBlocks and blockSize must be >= 1");
        }
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.refCount = new int[numBlocks];
        this.hash = new long[numBlocks];
        this.parent = new int[numBlocks];
        this.salt = new long[numBlocks];
        this.tokens = new int[numBlocks * blockSize];
        this.prev = new int[numBlocks];
        this.next = new int[numBlocks];
        this.inFree = new boolean[numBlocks];
        Arrays.fill(parent, NONE);
        for (int b = 0; b < numBlocks; b++) {
            pushBack(b);
        }
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Blocks referenced by at least one sequence. */
    public int usedBlocks() {
        return used;
    }

    /** Blocks that can be allocated now (free, cached or not). */
    public int freeBlocks() {
        return freeCount;
    }

    /** Cached full blocks (in use or free). */
    public int cachedBlocks() {
        return cached.size();
    }

    public int refCount(int block) {
        return refCount[block];
    }

    /** Whether {@code block} currently carries a prefix hash. */
    public boolean isCached(int block) {
        return hash[block] != 0;
    }

    /**
     * Takes the least recently freed block, evicting its cache entry if it had one. Returns the block
     * id with refcount 1, or {@code -1} if every block is in use.
     */
    public int allocate() {
        int b = head;
        if (b == NONE) {
            return -1;
        }
        unlink(b);
        if (hash[b] != 0) {
            cached.remove(hash[b]);
            hash[b] = 0;
            parent[b] = NONE;
        }
        refCount[b] = 1;
        used++;
        return b;
    }

    /** Drops one reference; at zero the block joins the back of the free queue (keeping its hash). */
    public void free(int block) {
        if (refCount[block] <= 0) {
            throw new IllegalStateException("double free of block " + block);
        }
        if (--refCount[block] == 0) {
            used--;
            pushBack(block);
        }
    }

    /**
     * Looks up a cached block for {@code (parentBlock, tokens[off .. off+blockSize), salt)} whose
     * chained hash is {@code h}; on a verified hit takes a reference (pulling it out of the free queue
     * if needed) and returns it, else {@code -1}.
     */
    public int acquireCached(long h, int parentBlock, int[] seqTokens, int off, long saltValue) {
        Integer b = cached.get(h);
        if (b == null || parent[b] != parentBlock || salt[b] != saltValue
                || !Arrays.equals(tokens, b * blockSize, (b + 1) * blockSize, seqTokens, off, off + blockSize)) {
            return -1;
        }
        if (refCount[b] == 0) {
            unlink(b);
            used++;
        }
        refCount[b]++;
        return b;
    }

    /**
     * Marks the full block {@code block} (holding {@code seqTokens[off .. off+blockSize)}, preceded by
     * {@code parentBlock}) as cached under {@code h}. If another block already caches the same content,
     * this one stays uncached (a duplicate that will simply be recycled).
     */
    public void commit(int block, long h, int parentBlock, int[] seqTokens, int off, long saltValue) {
        if (h == 0 || hash[block] != 0 || cached.containsKey(h)) {
            return;
        }
        hash[block] = h;
        parent[block] = parentBlock;
        salt[block] = saltValue;
        System.arraycopy(seqTokens, off, tokens, block * blockSize, blockSize);
        cached.put(h, block);
    }

    /** The hash a block is cached under (0 if none). */
    public long hashOf(int block) {
        return hash[block];
    }

    /** Free-queue order, head (next to be evicted) first — for tests and diagnostics. */
    public int[] freeQueue() {
        int[] out = new int[freeCount];
        int i = 0;
        for (int b = head; b != NONE; b = next[b]) {
            out[i++] = b;
        }
        return out;
    }

    private void pushBack(int b) {
        prev[b] = tail;
        next[b] = NONE;
        if (tail != NONE) {
            next[tail] = b;
        } else {
            head = b;
        }
        tail = b;
        inFree[b] = true;
        freeCount++;
    }

    private void unlink(int b) {
        if (!inFree[b]) {
            return;
        }
        if (prev[b] != NONE) {
            next[prev[b]] = next[b];
        } else {
            head = next[b];
        }
        if (next[b] != NONE) {
            prev[next[b]] = prev[b];
        } else {
            tail = prev[b];
        }
        inFree[b] = false;
        freeCount--;
    }
}
