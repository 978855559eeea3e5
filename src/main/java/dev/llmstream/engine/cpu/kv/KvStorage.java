package dev.llmstream.engine.cpu.kv;

/**
 * The numbers of the paged KV cache: per layer one K and one V array of
 * {@code [numBlocks × blockSize × kvDim]} floats. Which block belongs to which sequence is decided by
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

    /** Float offset of the row holding logical position {@code pos} of a sequence. */
    public int rowOffset(int[] blockTable, int pos) {
        return (blockTable[pos / blockSize] * blockSize + pos % blockSize) * kvDim;
    }

    /** Copies the K/V rows of {@code n} positions from block {@code src} to block {@code dst} (all layers). */
    public void copyBlock(int src, int dst, int n) {
        int len = n * kvDim;
        for (int l = 0; l < nLayer; l++) {
            System.arraycopy(k[l], src * blockSize * kvDim, k[l], dst * blockSize * kvDim, len);
            System.arraycopy(v[l], src * blockSize * kvDim, v[l], dst * blockSize * kvDim, len);
        }
    }
}
