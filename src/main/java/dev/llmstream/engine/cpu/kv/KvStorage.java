package dev.llmstream.engine.cpu.kv;

/**
 * The numbers of the paged KV cache: per layer one K and one V array of
 * {@code numBlocks × blockSize × kvDim} floats. V is stored by rows ({@code [block][slot][kvDim]}: attention
 * adds whole V rows); K is stored transposed within each block ({@code [block][kvDim][slot]}: element
 * {@code e} of the keys at slots {@code 0..blockSize-1} side by side), so that the scores of sixteen
 * consecutive keys are sixteen-lane vector operations without a transpose (see {@code TiledAttention},
 * {@code AttentionPasses}). Which block belongs to which sequence is decided by
 * the block pool of the scheduler; this class only holds the values. F32 keeps attention exact
 * relative to the weights' own precision (llama.cpp defaults to F16 KV; we trade 2x memory for
 * fidelity and simpler kernels — the memory budget decides the block count).
 */
public final class KvStorage {
    private final int nLayer;
    private final int numBlocks;
    private final int blockSize;
    private final int kvDim;
    private final float[][] k;
    private final float[][] v;

    public KvStorage(int nLayer, int numBlocks, int blockSize, int kvDim) {
        long perLayer = (long) numBlocks * blockSize * kvDim;
        if (numBlocks < 1 || blockSize < 1 || perLayer > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("KV cache of " + numBlocks + " blocks x " + blockSize
                    + " tokens x " + kvDim + " floats per layer is out of range");
        }
        this.nLayer = nLayer;
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.kvDim = kvDim;
        this.k = new float[nLayer][(int) perLayer];
        this.v = new float[nLayer][(int) perLayer];
    }

    /** Bytes one block takes across all layers (K and V). */
    public static long bytesPerBlock(int nLayer, int blockSize, int kvDim) {
        return 2L * nLayer * blockSize * kvDim * Float.BYTES;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    public int kvDim() {
        return kvDim;
    }

    public int layers() {
        return nLayer;
    }

    public float[] keys(int layer) {
        return k[layer];
    }

    public float[] values(int layer) {
        return v[layer];
    }

    /** Float offset in {@link #values} of the V row of logical position {@code pos} of a sequence. */
    public int rowOffset(int[] blockTable, int pos) {
        return (blockTable[pos / blockSize] * blockSize + pos % blockSize) * kvDim;
    }

    /**
     * V row offsets (plus {@code kvOff}, the head's first element) of logical positions {@code from .. from+n-1}
     * of a sequence into {@code rows[0 .. n)}, walking the block table one block at a time (one division per
     * block, not per position).
     */
    public static void valueRows(int[] blockTable, int blockSize, int kvDim, int kvOff, int from, int n, int[] rows) {
        for (int i = 0, j = from; i < n; ) {
            int b = j / blockSize;
            int slot = j - b * blockSize;
            int row = (blockTable[b] * blockSize + slot) * kvDim + kvOff;
            for (int end = Math.min(n, i + blockSize - slot); i < end; i++, j++, row += kvDim) {
                rows[i] = row;
            }
        }
    }

    /**
     * Float offset in {@link #keys} of element {@code e} of the key at slot {@code slot} of block {@code block};
     * element {@code e + 1} is {@link #blockSize} floats further, slot {@code slot + 1} the next float.
     */
    public static int keyOffset(int block, int slot, int e, int kvDim, int blockSize) {
        return (block * kvDim + e) * blockSize + slot;
    }

    /** Stores the key {@code key[off .. off+kvDim)} of logical position {@code pos} of a sequence in layer {@code layer}. */
    public void writeKey(int layer, int[] blockTable, int pos, float[] key, int off) {
        float[] kl = k[layer];
        int o = keyOffset(blockTable[pos / blockSize], pos % blockSize, 0, kvDim, blockSize);
        for (int e = 0; e < kvDim; e++, o += blockSize) {
            kl[o] = key[off + e];
        }
    }

    /** The key element {@code e} of logical position {@code pos} (tests, diagnostics). */
    public float key(int layer, int[] blockTable, int pos, int e) {
        return k[layer][keyOffset(blockTable[pos / blockSize], pos % blockSize, e, kvDim, blockSize)];
    }

    /**
     * Copies the K/V entries of the first {@code n} positions from block {@code src} to block {@code dst} (all
     * layers). K moves as the whole block (its slots are interleaved); slots from {@code n} on are rewritten
     * before anything reads them.
     */
    public void copyBlock(int src, int dst, int n) {
        int block = blockSize * kvDim;
        for (int l = 0; l < nLayer; l++) {
            System.arraycopy(k[l], src * block, k[l], dst * block, block);
            System.arraycopy(v[l], src * block, v[l], dst * block, n * kvDim);
        }
    }
}
