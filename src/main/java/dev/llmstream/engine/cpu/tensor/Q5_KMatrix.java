package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

/**
 * Q5_K (ggml {@code block_q5_K}, ggml-common.h; {@code dequantize_row_q5_K} in ggml-quants.c):
 * super-blocks of 256 weights in 176 bytes, eight sub-blocks of 32; Q4_K plus a fifth bit.
 * <pre>
 *   offset 0    f16  d
 *   offset 2    f16  dmin
 *   offset 4    u8   scales[12]   6-bit sc[j], m[j], j = 0..7 (see {@link KScales})
 *   offset 16   u8   qh[32]   bit j of qh[l] is bit 4 of element 32j + l
 *   offset 48   u8   qs[128]  element 64c + l      low nibble of qs[32c + l]  (sub-block 2c)
 *                             element 64c + 32 + l high nibble of qs[32c + l] (sub-block 2c+1)
 *   q = nibble + 16·bit (0..31);   w = fma(q, d·sc[j], −(dmin·m[j]))
 * </pre>
 * Same rounding argument as {@link Q4_KMatrix}: the two products are exact, the FMA rounds once, in
 * every path.
 */
public final class Q5_KMatrix extends BlockMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 176;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

    public Q5_KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q5_K, data, rows, cols);
    }

    /** Elements {@code 32j + l .. + L} of the super-block at {@code base}, as floats 0..31. */
    private FloatVector quants(long base, int j, int l) {
        ByteVector b = QuantVectors.bytes(data, base + QS + 32 * (j / 2) + l);
        ByteVector nib = (j & 1) == 1 ? QuantVectors.highNibbles(b) : QuantVectors.lowNibbles(b);
        ByteVector hi = QuantVectors.bitTo4(QuantVectors.bytes(data, base + QH + l), j);
        return QuantVectors.toFloats(nib.or(hi));
    }

    private float subScale(long base, float d, int j) {
        return d * KScales.scale(data, base + SCALES, j);
    }

    private float negSubMin(long base, float dmin, int j) {
        return -(dmin * KScales.min(data, base + SCALES, j));
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0, o = off; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            float dmin = f16(data, base + 2);
            for (int j = 0; j < 8; j++) {
                FloatVector ds = FloatVector.broadcast(Lanes.F, subScale(base, d, j));
                FloatVector dm = FloatVector.broadcast(Lanes.F, negSubMin(base, dmin, j));
                for (int l = 0; l < 32; l += Lanes.L, o += Lanes.L) {
                    quants(base, j, l).fma(ds, dm).intoArray(out, o);
                }
            }
        }
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            float dmin = f16(data, base + 2);
            for (int i = 0; i < BLOCK; i++) {
                int j = i / 32;
                int l = i % 32;
                int qsByte = data.get(ValueLayout.JAVA_BYTE, base + QS + 32 * (i / 64) + l) & 0xFF;
                int qhByte = data.get(ValueLayout.JAVA_BYTE, base + QH + l) & 0xFF;
                int q = ((j & 1) == 0 ? qsByte & 0xF : qsByte >> 4) + 16 * ((qhByte >> j) & 1);
                float ds = d * KScales.scale(data, base + SCALES, j);
                float dm = dmin * KScales.min(data, base + SCALES, j);
                out[off + b * BLOCK + i] = Math.fma((float) q, ds, -dm);
            }
        }
    }

    @Override
    protected float fused1(int r, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        long base = r * rowBytes;
        for (int b = 0, k = xOff; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            float dmin = f16(data, base + 2);
            for (int j = 0; j < 8; j++) {
                FloatVector ds = FloatVector.broadcast(Lanes.F, subScale(base, d, j));
                FloatVector dm = FloatVector.broadcast(Lanes.F, negSubMin(base, dmin, j));
                for (int l = 0; l < 32; l += Lanes.L, k += Lanes.L) {
                    acc = quants(base, j, l).fma(ds, dm).fma(FloatVector.fromArray(Lanes.F, x, k), acc);
                }
            }
        }
        return Lanes.sum(acc);
    }

    @Override
    protected void fused4(int r, float[] x, int xOff, float[] out, int oOff) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        long b0 = r * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
        int nb = cols / BLOCK;
        for (int b = 0, k = xOff; b < nb; b++) {
            float d0 = f16(data, b0), d1 = f16(data, b1), d2 = f16(data, b2), d3 = f16(data, b3);
            float m0 = f16(data, b0 + 2), m1 = f16(data, b1 + 2), m2 = f16(data, b2 + 2), m3 = f16(data, b3 + 2);
            for (int j = 0; j < 8; j++) {
                FloatVector s0 = FloatVector.broadcast(Lanes.F, subScale(b0, d0, j));
                FloatVector s1 = FloatVector.broadcast(Lanes.F, subScale(b1, d1, j));
                FloatVector s2 = FloatVector.broadcast(Lanes.F, subScale(b2, d2, j));
                FloatVector s3 = FloatVector.broadcast(Lanes.F, subScale(b3, d3, j));
                FloatVector n0 = FloatVector.broadcast(Lanes.F, negSubMin(b0, m0, j));
                FloatVector n1 = FloatVector.broadcast(Lanes.F, negSubMin(b1, m1, j));
                FloatVector n2 = FloatVector.broadcast(Lanes.F, negSubMin(b2, m2, j));
                FloatVector n3 = FloatVector.broadcast(Lanes.F, negSubMin(b3, m3, j));
                for (int l = 0; l < 32; l += Lanes.L, k += Lanes.L) {
                    FloatVector v = FloatVector.fromArray(Lanes.F, x, k);
                    a0 = quants(b0, j, l).fma(s0, n0).fma(v, a0);
                    a1 = quants(b1, j, l).fma(s1, n1).fma(v, a1);
                    a2 = quants(b2, j, l).fma(s2, n2).fma(v, a2);
                    a3 = quants(b3, j, l).fma(s3, n3).fma(v, a3);
                }
            }
            b0 += BLOCK_BYTES;
            b1 += BLOCK_BYTES;
            b2 += BLOCK_BYTES;
            b3 += BLOCK_BYTES;
        }
        out[oOff + r] = Lanes.sum(a0);
        out[oOff + r + 1] = Lanes.sum(a1);
        out[oOff + r + 2] = Lanes.sum(a2);
        out[oOff + r + 3] = Lanes.sum(a3);
    }
}
