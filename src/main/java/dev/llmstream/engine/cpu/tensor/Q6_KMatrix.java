package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

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
public final class Q6_KMatrix extends BlockMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    public Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q6_K, data, rows, cols);
    }

    /** Elements {@code 128n + 32g + l .. + L} of the super-block at {@code base}, as floats −32..31. */
    private FloatVector quants(long base, int n, int g, int l) {
        ByteVector lo = QuantVectors.bytes(data, base + 64 * n + 32 * (g & 1) + l);
        lo = g < 2 ? QuantVectors.lowNibbles(lo) : QuantVectors.highNibbles(lo);
        ByteVector hi = QuantVectors.twoBitsTo4(QuantVectors.bytes(data, base + QH + 32 * n + l), g);
        return QuantVectors.toFloats(lo.or(hi).sub((byte) 32));
    }

    /** {@code d·scales[i]} (exact). */
    private float groupScale(long base, float d, int i) {
        return d * data.get(ValueLayout.JAVA_BYTE, base + SCALES + i);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0, o = off; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base + D);
            for (int n = 0; n < 2; n++) {
                for (int g = 0; g < 4; g++) {
                    for (int l = 0; l < 32; l += Lanes.L, o += Lanes.L) {
                        FloatVector ds = FloatVector.broadcast(Lanes.F, groupScale(base, d, 8 * n + 2 * g + l / 16));
                        quants(base, n, g, l).mul(ds).intoArray(out, o);
                    }
                }
            }
        }
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

    @Override
    protected float fused1(int r, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        long base = r * rowBytes;
        for (int b = 0, k = xOff; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base + D);
            for (int n = 0; n < 2; n++) {
                for (int g = 0; g < 4; g++) {
                    for (int l = 0; l < 32; l += Lanes.L, k += Lanes.L) {
                        FloatVector ds = FloatVector.broadcast(Lanes.F, groupScale(base, d, 8 * n + 2 * g + l / 16));
                        acc = quants(base, n, g, l).mul(ds).fma(FloatVector.fromArray(Lanes.F, x, k), acc);
                    }
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
            float d0 = f16(data, b0 + D), d1 = f16(data, b1 + D), d2 = f16(data, b2 + D), d3 = f16(data, b3 + D);
            for (int n = 0; n < 2; n++) {
                for (int g = 0; g < 4; g++) {
                    for (int l = 0; l < 32; l += Lanes.L, k += Lanes.L) {
                        int s = 8 * n + 2 * g + l / 16;
                        FloatVector v = FloatVector.fromArray(Lanes.F, x, k);
                        a0 = quants(b0, n, g, l).mul(FloatVector.broadcast(Lanes.F, groupScale(b0, d0, s))).fma(v, a0);
                        a1 = quants(b1, n, g, l).mul(FloatVector.broadcast(Lanes.F, groupScale(b1, d1, s))).fma(v, a1);
                        a2 = quants(b2, n, g, l).mul(FloatVector.broadcast(Lanes.F, groupScale(b2, d2, s))).fma(v, a2);
                        a3 = quants(b3, n, g, l).mul(FloatVector.broadcast(Lanes.F, groupScale(b3, d3, s))).fma(v, a3);
                    }
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
