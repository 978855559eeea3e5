package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Weights repacked into <em>panels</em> of {@link #P} rows stored k-major: for each weight position the {@code P}
 * rows' quants side by side (one byte per weight), then per-block floats ({@code P} per block), so a kernel loads
 * {@code P} rows at one position as one vector and the vector lanes run over rows. Each format chooses the
 * order of the positions inside a panel and what its floats are ({@link #repackRow}); two kernel families read
 * them: {@link PanelMatrix} (ggml's integer partial sums, bit-exact with llama.cpp) and
 * {@link DequantPanelMatrix} (one multiply-add per weight in column order: Q8_0 in {@link Numerics#FAST}).
 * The original blocks stay mapped for the scalar twins and {@code dequantizeRow}.
 */
abstract class PanelStore extends BlockMatrix {
    /** Rows per panel: one float vector. */
    static final int P = Lanes.L;
    /** Most panels a decode kernel takes at once; arrays hold whole groups of this many panels. */
    static final int MAX_GROUP = 8;
    /** Per-thread results of one kernel call: up to 16 tokens × {@link #MAX_GROUP} panels. */
    private static final ThreadLocal<float[]> RES = ThreadLocal.withInitial(() -> new float[16 * MAX_GROUP * P]);
    /** Largest array of the repacked weights (whole panels per array). */
    private static final int CHUNK_BYTES = 1 << 30;

    /** Quant bytes and float scales per panel (format-specific layouts). */
    protected final int qPanel;
    protected final int fPanel;
    private final int nPanels;
    private final int perChunk;
    /**
     * The repacked weights, on the heap: a compiled kernel indexes arrays with int offsets that C2 range-checks
     * once per loop, where the same kernel over a {@code MemorySegment} re-checked every access with long
     * arithmetic (10 vs 17 G weights/s for Q8_0 in cache). Whole panels per array; usually one array.
     */
    private final byte[][] q;
    private final float[][] f;

    PanelStore(GgmlType type, MemorySegment data, int rows, int cols, int qPanel, int fPanel) {
        super(type, data, rows, cols);
        if (P != 8 && P != 16) {
            throw new IllegalStateException("panel kernels need 8 or 16 float lanes, not " + P);
        }
        this.qPanel = qPanel;
        this.fPanel = fPanel;
        this.nPanels = (rows + P - 1) / P;
        int fit = Math.max(1, CHUNK_BYTES / Math.max(1, Math.max(qPanel, 4 * fPanel)));
        // whole decode groups per array: the group kernels address a group's panels from its first one
        this.perChunk = fit >= nPanels ? nPanels : Math.max(MAX_GROUP, fit / MAX_GROUP * MAX_GROUP);
        int chunks = (nPanels + perChunk - 1) / perChunk;
        this.q = new byte[chunks][];
        this.f = new float[chunks][];
        for (int c = 0; c < chunks; c++) {
            int n = Math.min(perChunk, nPanels - c * perChunk);
            q[c] = new byte[Math.multiplyExact(n, qPanel)];
            f[c] = new float[Math.multiplyExact(n, fPanel)];
        }
    }

    /** The quant array holding panel {@code p}, and the panel's offset in it. */
    final byte[] q(int p) {
        return q[p / perChunk];
    }

    final int qo(int p) {
        return (p % perChunk) * qPanel;
    }

    /** The float array holding panel {@code p}'s scales, and their offset in it. */
    final float[] f(int p) {
        return f[p / perChunk];
    }

    final int fo(int p) {
        return (p % perChunk) * fPanel;
    }

    /** This thread's result buffer for kernel calls (token {@code i}, panel {@code j} of a call at {@code (i·g + j)·P}). */
    static float[] results() {
        return RES.get();
    }

    /** Fills the panels; subclasses call it at the end of their constructor. */
    final void repackAll() {
        byte[] row = new byte[Math.toIntExact(rowBytes)];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, r * rowBytes, row, 0, row.length);
            int p = r / P;
            repackRow(row, r % P, q(p), qo(p), f(p), fo(p));
        }
    }

    /**
     * Writes row {@code i} of a panel (its ggml blocks in {@code row}) into the panel's quants
     * {@code q[qo ..]} and scales {@code f[fo ..]}. Rows past the matrix stay zero.
     */
    abstract void repackRow(byte[] row, int i, byte[] q, int qo, float[] f, int fo);

    /**
     * Results of {@code tokens} tokens × {@code g} panels from {@code res} (token-major) into {@code out},
     * rows clipped to {@code [rowStart, rowEnd)}.
     */
    static void emit(float[] res, int tokens, int g, float[] out, int t, int ldOut, int p, int rowStart,
                     int rowEnd) {
        for (int i = 0; i < tokens; i++) {
            for (int j = 0; j < g; j++) {
                int r0 = (p + j) * P;
                int lo = Math.max(rowStart, r0);
                int hi = Math.min(rowEnd, r0 + P);
                if (lo < hi) {
                    System.arraycopy(res, (i * g + j) * P + lo - r0, out, (t + i) * ldOut + lo, hi - lo);
                }
            }
        }
    }
}
