package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 (ggml {@code block_q4_0}, ggml-common.h; {@code dequantize_row_q4_0} in ggml-quants.c): blocks of
 * 32 weights in 18 bytes.
 * <pre>
 *   offset 0   f16  d
 *   offset 2   u8   qs[16]   element j      = qs[j] &amp; 0xF   (j = 0..15)
 *                            element j + 16 = qs[j] &gt;&gt; 4
 *   w = (q - 8) * d
 * </pre>
 * {@code (q - 8)} has 4 bits and {@code d} 11 significant bits, so the product is exact in float32 and
 * every path yields identical weights. A vector of {@code L} quants is one load of {@code L} bytes whose
 * low nibbles are elements {@code j..j+L} and high nibbles elements {@code 16+j..16+j+L}: with the
 * canonical lane {@code k mod L} both halves land in lanes {@code 0..L} in order. The vector paths take
 * {@code d} from {@link #scales} (see {@link BlockMatrix#blockScales}).
 */
public final class Q4_0Matrix extends PanelMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** {@code d} of every block as float, row-major. */
    private final float[] scales;
    private final int blocksPerRow;

    /**
     * llama.cpp repacks this format for x86 (8 rows interleaved, {@code ggml_repack_get_optimal_repack_type})
     * when the row count is a multiple of 8; otherwise it uses the plain {@code ggml_vec_dot} kernels.
     */
    private final boolean repacked;

    public Q4_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_0, data, rows, cols);
        this.repacked = rows % 8 == 0;
        this.blocksPerRow = cols / BLOCK;
        this.scales = blockScales(0);
    }

    /*
     * Quants of half h (0: low nibbles, elements j..; 1: high nibbles, elements 16 + j..) are
     * (bytes >>> 4h) & 0xF, minus 8, written out in each loop. Not a helper: C2 inlines a helper only
     * within its size and node budgets, and a vector returned by a call that is not inlined is boxed;
     * not a "high ? ... : ..." either, for the same reason. Both versions allocated on every call.
     */

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        int s = row * blocksPerRow;
        for (int b = 0, o = off; b < blocksPerRow; b++, base += BLOCK_BYTES, o += BLOCK) {
            FloatVector d = FloatVector.broadcast(Lanes.F, scales[s + b]);
            for (int h = 0; h < 2; h++) {
                for (int j = 0; j < BLOCK / 2; j += Lanes.L) {
                    ((FloatVector) ByteVector.fromMemorySegment(QuantVectors.B, data, base + 2 + j, QuantVectors.LE).lanewise(VectorOperators.LSHR, 4 * h)
                            .and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d).intoArray(out, o + 16 * h + j);
                }
            }
        }
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return repacked ? GgmlDots.q4_0Repacked(data, r * rowBytes, cols, x, t)
                : GgmlDots.q8_0Lanes(data, r * rowBytes, cols, true, x, t);
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, base + 2 + j) & 0xFF;
                out[off + b * BLOCK + j] = ((q & 0xF) - 8) * d;
                out[off + b * BLOCK + j + BLOCK / 2] = ((q >> 4) - 8) * d;
            }
        }
    }


}
