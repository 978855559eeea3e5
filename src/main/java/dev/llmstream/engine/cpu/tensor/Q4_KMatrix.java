package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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
public final class Q4_KMatrix extends PanelMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    static final int SCALES = 4;
    static final int QS = 16;

    /**
     * llama.cpp repacks this format for x86 (8 rows interleaved, {@code ggml_repack_get_optimal_repack_type})
     * when the row count is a multiple of 8; otherwise it uses the plain {@code ggml_vec_dot} kernels.
     */
    private final boolean repacked;

    public Q4_KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_K, data, rows, cols);
        this.repacked = rows % 8 == 0;
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

    /** One super-block: chunk c's 32 bytes give sub-block 2c (low nibbles) then 2c+1 (high nibbles). */
    private void dequantizeBlock(long base, float[] out, int off) {
        float d = f16(data, base);
        float dmin = f16(data, base + 2);
        long sc = KScales.packedScales(data, base + SCALES);
        long mn = KScales.packedMins(data, base + SCALES);
        for (int c = 0; c < 4; c++) {
            long q = base + QS + 32 * c;
            FloatVector ds = FloatVector.broadcast(Lanes.F, d * KScales.unpack(sc, 2 * c));
            FloatVector dm = FloatVector.broadcast(Lanes.F, -(dmin * KScales.unpack(mn, 2 * c)));
            for (int l = 0; l < 32; l += Lanes.L) {
                ByteVector b = ByteVector.fromMemorySegment(QuantVectors.B, data, q + l, QuantVectors.LE).and((byte) 0x0F);
                ((FloatVector) b.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(ds, dm).intoArray(out, off + 64 * c + l);
            }
            ds = FloatVector.broadcast(Lanes.F, d * KScales.unpack(sc, 2 * c + 1));
            dm = FloatVector.broadcast(Lanes.F, -(dmin * KScales.unpack(mn, 2 * c + 1)));
            for (int l = 0; l < 32; l += Lanes.L) {
                ByteVector b = ByteVector.fromMemorySegment(QuantVectors.B, data, q + l, QuantVectors.LE).lanewise(VectorOperators.LSHR, 4);
                ((FloatVector) b.convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(ds, dm).intoArray(out, off + 64 * c + 32 + l);
            }
        }
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return repacked ? GgmlDots.q4_KRepacked(data, r * rowBytes, cols, x, t, MatmulMode.tile4(x.mode(t)))
                : GgmlDots.q4_KLanes(data, r * rowBytes, cols, x, t);
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
}
