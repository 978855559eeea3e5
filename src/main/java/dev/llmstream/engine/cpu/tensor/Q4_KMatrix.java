package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

/**
 * Q4_K (ggml {@code block_q4_K}, ggml-common.h; {@code dequantize_row_q4_K} in ggml-quants.c):
 * super-blocks of 256 weights in 144 bytes, eight sub-blocks of 32.
 * <pre>
 *   offset 0    f16  d        scale of the sub-block scales
 *   offset 2    f16  dmin     scale of the sub-block mins
 *   offset 4    u8   scales[12]   6-bit sc[j], m[j], j = 0..7 (see {@link KScales})
 *   offset 16   u8   qs[128]  chunk c = 0..3 covers elements 64c..64c+63 with bytes qs[32c .. 32c+32):
 *                             element 64c + l      = qs[32c + l] &amp; 0xF  (sub-block 2c)
 *                             element 64c + 32 + l = qs[32c + l] &gt;&gt; 4   (sub-block 2c+1)
 *   w = fma(q, d·sc[j], −(dmin·m[j]))
 * </pre>
 * The products {@code d·sc} and {@code dmin·m} are exact, so the FMA gives the correctly rounded
 * {@code d·sc·q − dmin·m}; every path (vector, fused, scalar twin) uses that same FMA.
 */
public final class Q4_KMatrix extends BlockMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4;
    private static final int QS = 16;

    public Q4_KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_K, data, rows, cols);
    }

    /** Quants at {@code qs[off .. off+L)}: low nibbles, or high nibbles when {@code high}. */
    private FloatVector quants(long off, boolean high) {
        ByteVector b = QuantVectors.bytes(data, off);
        return QuantVectors.toFloats(high ? QuantVectors.highNibbles(b) : QuantVectors.lowNibbles(b));
    }

    private float subScale(long base, float d, int j) {
        return d * KScales.scale(data, base + SCALES, j);
    }

    /** {@code -(dmin·m[j])}, the FMA addend. */
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
                long q = base + QS + 32 * (j / 2);
                for (int l = 0; l < 32; l += Lanes.L, o += Lanes.L) {
                    quants(q + l, (j & 1) == 1).fma(ds, dm).intoArray(out, o);
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
                int qsByte = data.get(ValueLayout.JAVA_BYTE, base + QS + 32 * (i / 64) + i % 32) & 0xFF;
                int q = (j & 1) == 0 ? qsByte & 0xF : qsByte >> 4;
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
                long q = base + QS + 32 * (j / 2);
                boolean high = (j & 1) == 1;
                for (int l = 0; l < 32; l += Lanes.L, k += Lanes.L) {
                    acc = quants(q + l, high).fma(ds, dm).fma(FloatVector.fromArray(Lanes.F, x, k), acc);
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
                long q = QS + 32 * (j / 2);
                boolean high = (j & 1) == 1;
                for (int l = 0; l < 32; l += Lanes.L, k += Lanes.L) {
                    FloatVector v = FloatVector.fromArray(Lanes.F, x, k);
                    a0 = quants(b0 + q + l, high).fma(s0, n0).fma(v, a0);
                    a1 = quants(b1 + q + l, high).fma(s1, n1).fma(v, a1);
                    a2 = quants(b2 + q + l, high).fma(s2, n2).fma(v, a2);
                    a3 = quants(b3 + q + l, high).fma(s3, n3).fma(v, a3);
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
