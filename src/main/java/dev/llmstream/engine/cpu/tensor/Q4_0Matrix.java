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
public final class Q4_0Matrix extends BlockMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** {@code d} of every block as float, row-major. */
    private final float[] scales;
    private final int blocksPerRow;

    public Q4_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_0, data, rows, cols);
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

    @Override
    protected float fused1(int r, float[] x, int xOff, float[] park) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        long base = r * rowBytes;
        int s = r * blocksPerRow;
        for (int b = 0, k = xOff; b < blocksPerRow; b++, base += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Lanes.F, scales[s + b]);
            for (int h = 0; h < 2; h++) {
                for (int j = 0; j < BLOCK / 2; j += Lanes.L, k += Lanes.L) {
                    FloatVector w = (FloatVector) ByteVector.fromMemorySegment(QuantVectors.B, data, base + 2 + j, LE)
                            .lanewise(VectorOperators.LSHR, 4 * h).and((byte) 0x0F).sub((byte) 8)
                            .convertShape(VectorOperators.B2F, Lanes.F, 0);
                    acc = w.mul(d).fma(FloatVector.fromArray(Lanes.F, x, k), acc);
                }
            }
        }
        acc.intoArray(park, 0);
        return Lanes.sumAt(park, 0);
    }

    @Override
    protected void fused4(int r, float[] x, int xOff, float[] out, int oOff, float[] acc) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        long b0 = r * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
        int nb = blocksPerRow;
        int s0 = r * nb, s1 = s0 + nb, s2 = s1 + nb, s3 = s2 + nb;
        for (int b = 0, k = xOff; b < nb; b++) {
            FloatVector d0 = FloatVector.broadcast(Lanes.F, scales[s0 + b]);
            FloatVector d1 = FloatVector.broadcast(Lanes.F, scales[s1 + b]);
            FloatVector d2 = FloatVector.broadcast(Lanes.F, scales[s2 + b]);
            FloatVector d3 = FloatVector.broadcast(Lanes.F, scales[s3 + b]);
            for (int h = 0; h < 2; h++) {
                int shift = 4 * h;
                for (int j = 0; j < BLOCK / 2; j += Lanes.L, k += Lanes.L) {
                    FloatVector v = FloatVector.fromArray(Lanes.F, x, k);
                    a0 = ((FloatVector) ByteVector.fromMemorySegment(QuantVectors.B, data, b0 + 2 + j, LE)
                            .lanewise(VectorOperators.LSHR, shift).and((byte) 0x0F).sub((byte) 8)
                            .convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d0).fma(v, a0);
                    a1 = ((FloatVector) ByteVector.fromMemorySegment(QuantVectors.B, data, b1 + 2 + j, LE)
                            .lanewise(VectorOperators.LSHR, shift).and((byte) 0x0F).sub((byte) 8)
                            .convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d1).fma(v, a1);
                    a2 = ((FloatVector) ByteVector.fromMemorySegment(QuantVectors.B, data, b2 + 2 + j, LE)
                            .lanewise(VectorOperators.LSHR, shift).and((byte) 0x0F).sub((byte) 8)
                            .convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d2).fma(v, a2);
                    a3 = ((FloatVector) ByteVector.fromMemorySegment(QuantVectors.B, data, b3 + 2 + j, LE)
                            .lanewise(VectorOperators.LSHR, shift).and((byte) 0x0F).sub((byte) 8)
                            .convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d3).fma(v, a3);
                }
            }
            b0 += BLOCK_BYTES;
            b1 += BLOCK_BYTES;
            b2 += BLOCK_BYTES;
            b3 += BLOCK_BYTES;
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, Lanes.L);
        a2.intoArray(acc, 2 * Lanes.L);
        a3.intoArray(acc, 3 * Lanes.L);
        sums4(acc, 0, out, oOff + r);
    }
}
