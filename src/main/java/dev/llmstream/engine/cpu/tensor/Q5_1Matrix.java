package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_1 (ggml {@code block_q5_1}, ggml-common.h; {@code dequantize_row_q5_1} in ggml-quants.c): blocks of
 * 32 weights in 24 bytes, an affine code.
 * <pre>
 *   offset 0   f16  d
 *   offset 2   f16  m
 *   offset 4   u32  qh       (little endian) bit j = bit 4 of element j
 *   offset 8   u8   qs[16]   element j      = qs[j] &amp; 0xF        (j = 0..15)
 *                            element j + 16 = qs[j] &gt;&gt; 4
 *   q = nibble | (bit &lt;&lt; 4)   (0..31),   w = q * d + m
 * </pre>
 * {@code q · d} is exact in float32 (5 × 11 significant bits); adding {@code m} rounds once. llama.cpp's
 * {@code llama-quantize} writes Q5_1 where a Q5_K tensor's rows are not whole 256-weight super-blocks.
 *
 * <p>Matmul: activations in Q8_1 ({@code vec_dot_type}: Q8_0's quants and {@code d}, plus
 * {@code s = d·Σq} per block). Every token takes {@code ggml_vec_dot_q5_1_q8_1} (AVX2 code; Q5_1 has neither
 * a {@code llamafile_sgemm} nor a repacked kernel), {@link GgmlDots#q5_1Lanes}: eight lanes of four products
 * of the unsigned quants, {@code acc_l = fma(S, d_w·d_x, acc_l)}, then {@code hsum_float_8(acc) + summs} with
 * {@code summs = fma(m_w, s_x, summs)} over the blocks in order. The panels ({@link LanePanelMatrix}) hold
 * {@code q} (0..31) as one byte per weight, then the scales {@code d} and the offsets {@code m} as floats
 * ({@code P} per block each); the lane kernels are Q8_0's ({@code fma(d_w·d_x, S, acc)} is the same
 * operation), and {@link #addBlockTerms} adds {@code summs} after the fold.
 */
public final class Q5_1Matrix extends LanePanelMatrix {
    static final int BLOCK_BYTES = 24;
    static final int QH = 4;
    static final int QS = 8;
    private static final int[] IOTA = new int[32];

    static {
        for (int i = 0; i < IOTA.length; i++) {
            IOTA[i] = i;
        }
    }

    public Q5_1Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q5_1, data, rows, cols, 2);
        repackAll();
    }

    @Override
    void repackRow(byte[] row, int i, byte[] q, int qo, float[] f, int fo) {
        for (int b = 0; b < nb; b++) {
            int bo = b * BLOCK_BYTES;
            f[fo + b * P + i] = Float.float16ToFloat((short) ((row[bo] & 0xFF) | row[bo + 1] << 8));
            f[fo + (nb + b) * P + i] = Float.float16ToFloat((short) ((row[bo + 2] & 0xFF) | row[bo + 3] << 8));
            for (int k = 0; k < BLOCK; k++) {
                putQuant(q, qo, i, b, k, Q5_0Matrix.quant(row, bo, QH, QS, k));
            }
        }
    }

    /**
     * {@code res += summs} for each token and panel: {@code summs} of {@code P} rows at once, one
     * multiply-add per block in block order from zero, as ggml's scalar chain.
     */
    @Override
    void addBlockTerms(int p, int g, PreparedInput x, int t, int tokens, float[] res) {
        float[] xs = x.sums;
        for (int j = 0; j < g; j++) {
            float[] f = f(p + j);
            int mo = fo(p + j) + nb * P;
            for (int i = 0; i < tokens; i++) {
                int so = (t + i) * nb;
                FloatVector s = FloatVector.zero(Lanes.F);
                for (int b = 0; b < nb; b++) {
                    s = FloatVector.fromArray(Lanes.F, f, mo + b * P).fma(FloatVector.broadcast(Lanes.F, xs[so + b]), s);
                }
                int o = (i * g + j) * P;
                FloatVector.fromArray(Lanes.F, res, o).add(s).intoArray(res, o);
            }
        }
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return GgmlDots.q5_1Lanes(data, r * rowBytes, cols, x, t);
    }

    /** As {@link Q5_0Matrix#dequantizeRow}, with {@code q · d + m}. */
    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0, o = off; b < nb; b++, base += BLOCK_BYTES, o += BLOCK) {
            FloatVector d = FloatVector.broadcast(Lanes.F, f16(data, base));
            FloatVector m = FloatVector.broadcast(Lanes.F, f16(data, base + 2));
            IntVector qh = IntVector.broadcast(QuantVectors.I, data.get(Q5_0Matrix.U32_LE, base + QH));
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                IntVector nib = (IntVector) ByteVector.fromMemorySegment(QuantVectors.B, data, base + QS + (j & 15), QuantVectors.LE)
                        .lanewise(VectorOperators.LSHR, 4 * (j >> 4)).and((byte) 0x0F)
                        .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                IntVector hi = qh.lanewise(VectorOperators.LSHR, IntVector.fromArray(QuantVectors.I, IOTA, j))
                        .and(1).lanewise(VectorOperators.LSHL, 4);
                ((FloatVector) nib.or(hi).convert(VectorOperators.I2F, 0)).mul(d).add(m).intoArray(out, o + j);
            }
        }
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < nb; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            float m = f16(data, base + 2);
            int qh = data.get(Q5_0Matrix.U32_LE, base + QH);
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, base + QS + j) & 0xFF;
                out[off + b * BLOCK + j] = ((q & 0xF) | ((qh >>> j) & 1) << 4) * d + m;
                out[off + b * BLOCK + j + BLOCK / 2] = ((q >> 4) | ((qh >>> (j + 16)) & 1) << 4) * d + m;
            }
        }
    }
}
