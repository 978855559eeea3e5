package dev.llmstream.engine.cpu.kv;

/**
 * The numbers of the paged KV cache: per layer one array of IEEE half-precision values (F16 bits in
 * {@code short}s, as llama.cpp's default {@code type_k = type_v = f16}): keys and values are rounded to F16 (nearest
 * even) as they are stored, which is what llama.cpp's cache holds and what attention computes with, at half the
 * bytes of floats: twice the blocks in one memory budget.
 *
 * <p>Layout: per block, per KV head, one region of {@code 2 × blockSize × headDim} halves holding that head's
 * keys, transposed ({@code [headDim][blockSize]}: element {@code e} of the keys at slots {@code 0..blockSize-1}
 * side by side), then its values by rows ({@code [blockSize][headDim]}). Attention reads one KV head of one
 * sequence at a time, block after block, so each block is one contiguous run (4 KiB at 16 slots × 64 dims) that
 * the hardware prefetchers stream, not 2 × 16 rows strided by the whole KV width. Which block belongs to which
 * sequence is decided by the block pool of the scheduler; this class only holds the values.
 *
 * <p>Attention reads floats: {@link #stage} converts one KV head's history into float buffers laid out as a
 * cache of {@link #STAGE_BLOCK}-slot blocks of one head ({@link #stagedTable}, {@link #keyOffset}); the loops are
 * C2-vectorized conversions ({@code vcvtph2ps}, sixteen halves per instruction on AVX-512), and the attention
 * kernels run unchanged on the staged copy (the conversion back is exact), so the arithmetic and its bits do not
 * depend on the storage.
 */
public final class KvStorage {
    /** Slots per block of a {@link #stage staged} copy. */
    public static final int STAGE_BLOCK = 16;

    private final int nLayer;
    private final int numBlocks;
    private final int blockSize;
    private final int kvDim;
    private final int headDim;
    private final int region;      // halves per (block, KV head): keys then values
    private final short[][] kv;

    /** @param kvDim {@code nHeadKv × headDim} */
    public KvStorage(int nLayer, int numBlocks, int blockSize, int kvDim, int headDim) {
        if (numBlocks < 1 || blockSize < 1 || headDim < 1 || kvDim % headDim != 0
                || numBlocks > maxBlocks(blockSize, kvDim)) {
            throw new IllegalArgumentException("KV cache of " + numBlocks + " blocks x " + blockSize
                    + " tokens x " + kvDim + " values (heads of " + headDim + ") per layer is out of range");
        }
        this.nLayer = nLayer;
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.kvDim = kvDim;
        this.headDim = headDim;
        this.region = 2 * blockSize * headDim;
        this.kv = new short[nLayer][numBlocks * 2 * blockSize * kvDim];
    }

    /** Most blocks one layer's array can hold. */
    public static int maxBlocks(int blockSize, int kvDim) {
        return (int) Math.min(Integer.MAX_VALUE / 2, (Integer.MAX_VALUE - 16L) / (2L * blockSize * kvDim));
    }

    /** Bytes one block takes across all layers (K and V, two bytes a value). */
    public static long bytesPerBlock(int nLayer, int blockSize, int kvDim) {
        return 2L * nLayer * blockSize * kvDim * Short.BYTES;
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

    /**
     * The attention kernels' float cache layout (a {@link #stage staged} copy is one): V row offsets (plus
     * {@code kvOff}, the head's first element) of logical positions {@code from .. from+n-1} of a sequence into
     * {@code rows[0 .. n)}, walking the block table one block at a time (one division per block, not per position).
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
     * The attention kernels' float cache layout (a {@link #stage staged} copy is one): offset of element {@code e}
     * of the key at slot {@code slot} of block {@code block}, keys transposed per block; element {@code e + 1} is
     * {@code blockSize} further, slot {@code slot + 1} the next float. V rows are {@code [block][slot][kvDim]}.
     */
    public static int keyOffset(int block, int slot, int e, int kvDim, int blockSize) {
        return (block * kvDim + e) * blockSize + slot;
    }

    /** Start of the region of KV head {@code h} in block {@code block}. */
    private int regionStart(int block, int h) {
        return (block * (kvDim / headDim) + h) * region;
    }

    /** Offset of element {@code e} (0 .. kvDim) of the key at logical position {@code pos}. */
    private int keyAt(int[] blockTable, int pos, int e) {
        return regionStart(blockTable[pos / blockSize], e / headDim) + (e % headDim) * blockSize + pos % blockSize;
    }

    /** Offset of element {@code e} (0 .. kvDim) of the value at logical position {@code pos}. */
    private int valueAt(int[] blockTable, int pos, int e) {
        return regionStart(blockTable[pos / blockSize], e / headDim) + blockSize * headDim
                + (pos % blockSize) * headDim + e % headDim;
    }

    /**
     * Stores the key {@code key[off .. off+kvDim)} of logical position {@code pos} of a sequence in layer
     * {@code layer}, rounded to halves (nearest even).
     */
    public void writeKey(int layer, int[] blockTable, int pos, float[] key, int off) {
        short[] l = kv[layer];
        for (int h = 0; h < kvDim; h += headDim) {
            int o = keyAt(blockTable, pos, h);
            for (int e = 0; e < headDim; e++, o += blockSize) {
                l[o] = Float.floatToFloat16(key[off + h + e]);
            }
        }
    }

    /** Stores the value row {@code value[off .. off+kvDim)} of logical position {@code pos}, as {@link #writeKey}. */
    public void writeValue(int layer, int[] blockTable, int pos, float[] value, int off) {
        short[] l = kv[layer];
        for (int h = 0; h < kvDim; h += headDim) {
            int o = valueAt(blockTable, pos, h);
            for (int e = 0; e < headDim; e++) {
                l[o + e] = Float.floatToFloat16(value[off + h + e]);
            }
        }
    }

    /** The key element {@code e} of logical position {@code pos} (tests, diagnostics). */
    public float key(int layer, int[] blockTable, int pos, int e) {
        return Float.float16ToFloat(kv[layer][keyAt(blockTable, pos, e)]);
    }

    /** The value element {@code e} of logical position {@code pos} (tests, diagnostics). */
    public float value(int layer, int[] blockTable, int pos, int e) {
        return Float.float16ToFloat(kv[layer][valueAt(blockTable, pos, e)]);
    }

    /** Floats {@link #stage} writes into each of its buffers for {@code n} positions of a {@code headDim} head. */
    public static int stagedSize(int n, int headDim) {
        return (n + STAGE_BLOCK - 1) / STAGE_BLOCK * STAGE_BLOCK * headDim;
    }

    /**
     * The block table of a staged copy: block {@code i} is {@code i}, for at least {@code n} positions. A
     * staged copy is a cache of one KV head ({@code kvDim = headDim}, KV head 0) in blocks of
     * {@link #STAGE_BLOCK} slots; {@code table} is reused when long enough.
     */
    public static int[] stagedTable(int n, int[] table) {
        int blocks = (n + STAGE_BLOCK - 1) / STAGE_BLOCK;
        if (table.length >= blocks) {
            return table;
        }
        int[] t = new int[Math.max(blocks, 2 * table.length)];
        for (int i = 0; i < t.length; i++) {
            t[i] = i;
        }
        return t;
    }

    /**
     * Positions {@code [0, n)} of KV head {@code kvHead} of layer {@code layer} as floats: keys into {@code kDst} in
     * the transposed layout of {@link #keyOffset} with {@link #STAGE_BLOCK}-slot blocks and {@code kvDim = headDim}
     * ({@code kDst[(b·headDim + e)·16 + slot]}; the slots of the last block past {@code n} hold whatever the cache
     * holds there), values into {@code vDst} by rows ({@code vDst[pos·headDim + e]}). Both need
     * {@link #stagedSize} floats.
     */
    public void stage(int layer, int[] blockTable, int kvHead, int n, float[] kDst, float[] vDst) {
        short[] l = kv[layer];
        int chunk = STAGE_BLOCK * headDim;
        for (int p = 0, c = 0; p < n; p += STAGE_BLOCK, c++) {
            int slot0 = p % blockSize;
            int r = regionStart(blockTable[p / blockSize], kvHead);
            int rows = Math.min(STAGE_BLOCK, n - p);
            if (blockSize == STAGE_BLOCK) {
                // the whole region: keys [headDim][16], then values [16][headDim]
                toFloats(l, r, kDst, c * chunk, chunk);
                toFloats(l, r + chunk, vDst, p * headDim, rows * headDim);
            } else if (blockSize % STAGE_BLOCK == 0) {
                for (int e = 0; e < headDim; e++) {
                    toFloats(l, r + e * blockSize + slot0, kDst, (c * headDim + e) * STAGE_BLOCK, STAGE_BLOCK);
                }
                toFloats(l, r + (blockSize + slot0) * headDim, vDst, p * headDim, rows * headDim);
            } else {
                // chunks straddle blocks: gather slot by slot
                for (int s = 0; s < rows; s++) {
                    int pos = p + s;
                    int h0 = kvHead * headDim;
                    for (int e = 0; e < headDim; e++) {
                        kDst[(c * headDim + e) * STAGE_BLOCK + s] = Float.float16ToFloat(l[keyAt(blockTable, pos, h0 + e)]);
                    }
                    toFloats(l, valueAt(blockTable, pos, h0), vDst, pos * headDim, headDim);
                }
            }
        }
    }

    /** {@code dst[d ..] = halves src[s ..]} for {@code n} elements (a loop C2 turns into vector conversions). */
    private static void toFloats(short[] src, int s, float[] dst, int d, int n) {
        for (int i = 0; i < n; i++) {
            dst[d + i] = Float.float16ToFloat(src[s + i]);
        }
    }

    /**
     * Copies the K/V entries of the first {@code n} positions from block {@code src} to block {@code dst} (all
     * layers). The block moves whole (its keys interleave the slots); slots from {@code n} on are rewritten before
     * anything reads them.
     */
    public void copyBlock(int src, int dst, int n) {
        int block = 2 * blockSize * kvDim;
        for (int l = 0; l < nLayer; l++) {
            System.arraycopy(kv[l], src * block, kv[l], dst * block, block);
        }
    }
}
