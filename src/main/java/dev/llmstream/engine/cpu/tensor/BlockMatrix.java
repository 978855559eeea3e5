package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Shared plumbing of the weight formats: the row layout over the mapped bytes and the choice between
 * the two kernel shapes.
 *
 * <ul>
 *   <li><b>Fused</b> ({@code nTokens < }{@link #stripMinTokens}, i.e. decode): weights are dequantized
 *       in registers (or, for long decoders, into an L1 block buffer: {@link BufferedBlockMatrix})
 *       and consumed at once. Row groups are the outer loop, so a group's bytes are read from memory
 *       once per call whatever the batch size, which is what a bandwidth-bound decode step wants;
 *       Q8_0 also decodes four tokens per pass ({@link #fused4x4}).</li>
 *   <li><b>Strip</b> (prefill and large batches): a strip of rows ({@link StripKernel#rows}, L2-sized)
 *       is dequantized into a per-thread float buffer once and multiplied with every token on a
 *       register tile, so the dequantization cost is amortized and the loop is FMA-bound.</li>
 * </ul>
 * Both produce bit-identical results (see {@link Lanes}). Kernels follow the rules in
 * {@link QuantVectors} (no vector crosses a call of ours; accumulators are folded through
 * {@link Lanes#sumAt}), so a compiled call allocates nothing.
 */
abstract class BlockMatrix implements WeightMatrix {
    static final ValueLayout.OfShort F16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Batches at least this large take the strip path, unless a format says otherwise. */
    static final int STRIP_MIN_TOKENS = 4;

    private static final ThreadLocal<float[]> STRIP = ThreadLocal.withInitial(() -> new float[0]);
    /** Per-thread parking space for a decode tile's accumulators (see {@link Lanes#sumAt}). */
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[16 * Lanes.L]);

    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;
    protected final long rowBytes;
    private final GgmlType type;

    BlockMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        this.type = Objects.requireNonNull(type);
        this.data = Objects.requireNonNull(data);
        if (rows <= 0 || cols <= 0 || cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " matrix " + rows + " x " + cols
                    + ": cols must be a positive multiple of " + type.blockSize());
        }
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.byteSize(cols);
        if (data.byteSize() != rowBytes * rows) {
            throw new IllegalArgumentException(type + " matrix " + rows + " x " + cols + " needs "
                    + rowBytes * rows + " bytes, got " + data.byteSize());
        }
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final long byteSize() {
        return data.byteSize();
    }

    static float f16(MemorySegment seg, long offset) {
        return Float.float16ToFloat(seg.get(F16_LE, offset));
    }

    /**
     * The f16 field at {@code fieldOffset} of every block, converted once to float (exact), in block
     * order: entry {@code r * blocksPerRow + b} is block {@code b} of row {@code r}.
     *
     * <p>Why: in a fused kernel the per-block scalar {@code f16 -> f32} convert and register broadcast
     * compete for port 5 with the vector byte widening of the quants, and cost about a third of the Q8_0
     * decode throughput when the weights are in cache; a broadcast straight from a float array is a
     * plain load. The copy adds 4 bytes per block to memory traffic (12% for Q8_0), far less than it
     * saves. The scalar twins still decode the scale from the block itself.
     */
    float[] blockScales(int fieldOffset) {
        long blocks = rows * (long) (cols / type.blockSize());
        if (blocks > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(type + " matrix " + rows + " x " + cols + " has too many blocks");
        }
        float[] out = new float[(int) blocks];
        long off = fieldOffset;
        for (int i = 0; i < out.length; i++, off += type.typeSize()) {
            out[i] = f16(data, off);
        }
        return out;
    }

    /**
     * Batches smaller than this take the fused decode kernels; larger ones the strip path. Formats with
     * a multi-token decode tile ({@link #fused4x4}) raise it.
     */
    int stripMinTokens() {
        return STRIP_MIN_TOKENS;
    }

    @Override
    public final void matmul(float[] x, int nTokens, float[] out, int ldOut, int rowStart, int rowEnd) {
        if (nTokens < stripMinTokens()) {
            fusedDecode(x, nTokens, out, ldOut, rowStart, rowEnd);
            return;
        }
        int stripRows = StripKernel.rows(cols);
        float[] strip = STRIP.get();
        if (strip.length < stripRows * cols) {
            strip = new float[stripRows * cols];
            STRIP.set(strip);
        }
        for (int r = rowStart; r < rowEnd; r += stripRows) {
            int n = Math.min(stripRows, rowEnd - r);
            for (int i = 0; i < n; i++) {
                dequantizeRow(r + i, strip, i * cols);
            }
            StripKernel.multiply(strip, n, cols, x, nTokens, out, ldOut, r);
        }
    }

    /**
     * Decode-sized batches. Row groups are the outer loop, so a group's weights are read from memory
     * once and stay in L1 while every token quad ({@link #fused4x4}, where the format has it) and then
     * every remaining token ({@link #fused4}) passes over them.
     */
    private void fusedDecode(float[] x, int nTokens, float[] out, int ldOut, int rowStart, int rowEnd) {
        float[] acc = ACC.get();
        int quads = stripMinTokens() > STRIP_MIN_TOKENS ? nTokens / 4 * 4 : 0;
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            for (int t = 0; t < quads; t += 4) {
                fused4x4(r, x, t, out, ldOut, acc);
            }
            for (int t = quads; t < nTokens; t++) {
                fused4(r, x, t * cols, out, t * ldOut, acc);
            }
        }
        for (; r < rowEnd; r++) {
            for (int t = 0; t < nTokens; t++) {
                out[t * ldOut + r] = fused1(r, x, t * cols, acc);
            }
        }
    }

    /**
     * Rows {@code r..r+3} against tokens {@code t0..t0+3}: {@code out[(t0+t) * ldOut + r + i]}; only for
     * formats whose {@link #stripMinTokens} exceeds {@link #STRIP_MIN_TOKENS}. Each weight vector is
     * decoded once and used for four tokens, so a small batch costs about what one token does when
     * decode is bound by memory.
     */
    protected void fused4x4(int r, float[] x, int t0, float[] out, int ldOut, float[] acc) {
        throw new UnsupportedOperationException(type + " has no multi-token decode tile");
    }

    /**
     * Rows {@code r..r+3} against token {@code x[xOff..]}, into {@code out[oOff + r .. + 3]}; {@code acc}
     * ({@code 16 L} floats) is where the kernel parks its accumulators before folding them with
     * {@link Lanes#sumAt} (see there why not {@link Lanes#sum(jdk.incubator.vector.FloatVector)}).
     */
    protected abstract void fused4(int r, float[] x, int xOff, float[] out, int oOff, float[] acc);

    /**
     * The end of every {@link #fused4}, after it stored its accumulators {@code a0..a3} at
     * {@code acc[a], acc[a+L], acc[a+2L], acc[a+3L]}: folds them into {@code out[o .. o+3]}.
     */
    static void sums4(float[] acc, int a, float[] out, int o) {
        for (int i = 0; i < 4; i++) {
            out[o + i] = Lanes.sumAt(acc, a + i * Lanes.L);
        }
    }

    /** Row {@code r} against token {@code x[xOff..]}; {@code park} as {@code acc} of {@link #fused4}. */
    protected abstract float fused1(int r, float[] x, int xOff, float[] park);
}
