package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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
public final class Q5_KMatrix extends BufferedBlockMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 176;
    static final int SCALES = 4;
    static final int QH = 16;
    static final int QS = 48;

    public Q5_KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q5_K, data, rows, cols, BLOCK);
    }

    @Override
    void dequantizeSpan(int row, int from, int to, float[] out, int off) {
        long base = row * rowBytes + (long) (from / BLOCK) * BLOCK_BYTES;
        for (int i = from; i < to; i += BLOCK, base += BLOCK_BYTES, off += BLOCK) {
            dequantizeBlock(base, out, off);
        }
    }

    /**
     * One super-block: chunk c's 32 bytes of qs give the low 4 bits of sub-blocks 2c (low nibbles) and
     * 2c+1 (high nibbles); bit j of the same-position qh byte is their fifth bit.
     */
    private void dequantizeBlock(long base, float[] out, int off) {
        float d = f16(data, base);
        float dmin = f16(data, base + 2);
        long sc = KScales.packedScales(data, base + SCALES);
        long mn = KScales.packedMins(data, base + SCALES);
        for (int c = 0; c < 4; c++) {
            long q = base + QS + 32 * c;
            int j = 2 * c;
            FloatVector ds = FloatVector.broadcast(Lanes.F, d * KScales.unpack(sc, j));
            FloatVector dm = FloatVector.broadcast(Lanes.F, -(dmin * KScales.unpack(mn, j)));
            for (int l = 0; l < 32; l += Lanes.L) {
                ByteVector lo = ByteVector.fromMemorySegment(QuantVectors.B, data, q + l, QuantVectors.LE).and((byte) 0x0F);
                ByteVector hi = ByteVector.fromMemorySegment(QuantVectors.B, data, base + QH + l, QuantVectors.LE).lanewise(VectorOperators.LSHR, j).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                ((FloatVector) lo.or(hi).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(ds, dm).intoArray(out, off + 64 * c + l);
            }
            ds = FloatVector.broadcast(Lanes.F, d * KScales.unpack(sc, j + 1));
            dm = FloatVector.broadcast(Lanes.F, -(dmin * KScales.unpack(mn, j + 1)));
            for (int l = 0; l < 32; l += Lanes.L) {
                ByteVector lo = ByteVector.fromMemorySegment(QuantVectors.B, data, q + l, QuantVectors.LE).lanewise(VectorOperators.LSHR, 4);
                ByteVector hi = ByteVector.fromMemorySegment(QuantVectors.B, data, base + QH + l, QuantVectors.LE).lanewise(VectorOperators.LSHR, j + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                ((FloatVector) lo.or(hi).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(ds, dm).intoArray(out, off + 64 * c + 32 + l);
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
}
