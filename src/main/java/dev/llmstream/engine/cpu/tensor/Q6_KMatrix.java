package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K (ggml {@code block_q6_K}, ggml-common.h; {@code dequantize_row_q6_K} in ggml-quants.c):
 * super-blocks of 256 weights in 210 bytes, sixteen 16-weight groups with int8 scales.
 * <pre>
 *   offset 0     u8   ql[128]    low 4 bits
 *   offset 128   u8   qh[64]     high 2 bits
 *   offset 192   i8   scales[16]
 *   offset 208   f16  d
 *   half n = 0..1 (elements 128n ..), quarter g = 0..3, l = 0..31: element 128n + 32g + l has
 *     low  = a nibble of ql[64n + 32·(g mod 2) + l]: the low one for g = 0,1, the high one for g = 2,3
 *     high = (qh[32n + l] &gt;&gt; 2g) &amp; 3
 *     q    = (low | high &lt;&lt; 4) − 32            (−32..31)
 *     sc   = scales[8n + 2g + l/16]
 *   w = (d·sc)·q
 * </pre>
 * {@code d·sc} is exact (11 × 8 bits); multiplying by the 6-bit {@code q} rounds once, the same way
 * in every path.
 */
public final class Q6_KMatrix extends PanelMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;
    static final int QH = 128;
    static final int SCALES = 192;
    static final int D = 208;

    public Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q6_K, data, rows, cols);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        dequantizeSpan(row, 0, cols, out, off);
    }

    private void dequantizeSpan(int row, int from, int to, float[] out, int off) {
        long base = row * rowBytes + (long) (from / BLOCK) * BLOCK_BYTES;
        for (int i = from; i < to; i += BLOCK, base += BLOCK_BYTES, off += BLOCK) {
            dequantizeBlock(base, out, off);
        }
    }

    private void dequantizeBlock(long base, float[] out, int off) {
        float d = f16(data, base + D);
        for (int n = 0; n < 2; n++) {
            for (int g = 0; g < 4; g++) {
                dequantizeQuarter(base, n, g, d, out, off + 128 * n + 32 * g);
            }
        }
    }

    /**
     * Elements {@code 128n + 32g .. +32}: {@code w = (d·sc)·(q − 32)} with the low 4 bits of q from the
     * low (g = 0, 1) or high (g = 2, 3) nibbles of {@code ql[64n + 32(g mod 2) + l]} and its top 2 bits
     * from bits 2g..2g+1 of {@code qh[32n + l]}. Shift counts are data, not branches: a vector chosen by
     * a condition C2 cannot fold is boxed, and a whole half written out exceeded C2's inlining budget
     * (see {@link BufferedBlockMatrix}); both allocated on every call.
     */
    private void dequantizeQuarter(long base, int n, int g, float d, float[] out, int off) {
        long ql = base + 64 * n + 32 * (g & 1);
        long qh = base + QH + 32 * n;
        int nibbleShift = 4 * (g >> 1);
        for (int l = 0; l < 32; l += Lanes.L) {
            ByteVector lo = ByteVector.fromMemorySegment(QuantVectors.B, data, ql + l, QuantVectors.LE).lanewise(VectorOperators.LSHR, nibbleShift).and((byte) 0x0F);
            ByteVector hi = ByteVector.fromMemorySegment(QuantVectors.B, data, qh + l, QuantVectors.LE).lanewise(VectorOperators.LSHR, 2 * g).and((byte) 3)
                    .lanewise(VectorOperators.LSHL, 4);
            float ds = groupScale(base, d, 8 * n + 2 * g + l / 16);
            ((FloatVector) lo.or(hi).sub((byte) 32).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(ds).intoArray(out, off + l);
        }
    }

    /** {@code d·scales[i]} (exact). */
    private float groupScale(long base, float d, int i) {
        return d * data.get(ValueLayout.JAVA_BYTE, base + SCALES + i);
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return GgmlDots.q6_KLanes(data, r * rowBytes, cols, x, t);
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base + D);
            for (int i = 0; i < BLOCK; i++) {
                int n = i / 128;
                int g = (i % 128) / 32;
                int l = i % 32;
                int qlByte = data.get(ValueLayout.JAVA_BYTE, base + 64 * n + 32 * (g & 1) + l) & 0xFF;
                int low = g < 2 ? qlByte & 0xF : qlByte >> 4;
                int high = ((data.get(ValueLayout.JAVA_BYTE, base + QH + 32 * n + l) & 0xFF) >> (2 * g)) & 3;
                int q = (low | high << 4) - 32;
                int sc = data.get(ValueLayout.JAVA_BYTE, base + SCALES + 8 * n + 2 * g + l / 16);
                float ds = d * sc;
                out[off + b * BLOCK + i] = ds * q;
            }
        }
    }
}
