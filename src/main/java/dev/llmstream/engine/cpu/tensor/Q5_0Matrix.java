package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_0 (ggml {@code block_q5_0}, ggml-common.h; {@code dequantize_row_q5_0} in ggml-quants.c): blocks of
 * 32 weights in 22 bytes.
 * <pre>
 *   offset 0   f16  d
 *   offset 2   u32  qh       (little endian) bit j = bit 4 of element j
 *   offset 6   u8   qs[16]   element j      = qs[j] &amp; 0xF        (j = 0..15)
 *                            element j + 16 = qs[j] &gt;&gt; 4
 *   q = nibble | (bit &lt;&lt; 4)   (0..31),   w = (q - 16) * d
 * </pre>
 * {@code (q - 16)} has 5 bits and {@code d} 11 significant bits, so the product is exact in float32.
 * llama.cpp's {@code llama-quantize} writes Q5_0 where a Q4_K tensor's rows are not whole 256-weight
 * super-blocks (e.g. every 960-wide matrix of SmolLM2-360M in a Q4_K_M file).
 *
 * <p>Matmul: activations in Q8_0 ({@code vec_dot_type}); one token ({@code ggml_vec_dot_q5_0_q8_0}, AVX2
 * code) and batches ({@code llamafile_sgemm}, {@code tinyBLAS_Q0_AVX<block_q5_0, block_q8_0>}) have the
 * same arithmetic, {@link GgmlDots#q5_0Lanes}: eight lanes of four products as Q8_0. ggml does not repack
 * Q5_0 for x86 ({@code ggml/src/ggml-cpu/repack.cpp} has no Q5_0 kernel). The panels
 * ({@link LanePanelMatrix}) hold {@code q - 16} as one signed byte per weight, unpacked at load time, so the
 * kernels are Q8_0's.
 */
public final class Q5_0Matrix extends LanePanelMatrix {
    static final int BLOCK_BYTES = 22;
    static final int QH = 2;
    static final int QS = 6;
    static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(QuantVectors.LE);
    /** Lane {@code i}: {@code i}, the bit of {@code qh} for element {@code j0 + i} when shifted by {@code j0}. */
    private static final int[] IOTA = new int[32];

    static {
        for (int i = 0; i < IOTA.length; i++) {
            IOTA[i] = i;
        }
    }

    public Q5_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q5_0, data, rows, cols, 1);
        repackAll();
    }

    /** The 5-bit quant (0..31) of element {@code k} of the block at {@code bo} of {@code row}. */
    static int quant(byte[] row, int bo, int qh, int qs, int k) {
        int nib = k < 16 ? row[bo + qs + k] & 0xF : (row[bo + qs + k - 16] & 0xFF) >> 4;
        return nib | ((row[bo + qh + k / 8] >> (k % 8)) & 1) << 4;
    }

    @Override
    void repackRow(byte[] row, int i, byte[] q, int qo, float[] f, int fo) {
        for (int b = 0; b < nb; b++) {
            int bo = b * BLOCK_BYTES;
            f[fo + b * P + i] = Float.float16ToFloat((short) ((row[bo] & 0xFF) | row[bo + 1] << 8));
            for (int k = 0; k < BLOCK; k++) {
                putQuant(q, qo, i, b, k, quant(row, bo, QH, QS, k) - 16);
            }
        }
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return GgmlDots.q5_0Lanes(data, r * rowBytes, cols, x, t);
    }

    /**
     * Vector dequantization: {@code L} elements at a time, the nibbles as a byte vector (low or high half of
     * {@code qs}), bit 4 from {@code qh} shifted per lane, then {@code (q - 16) · d}.
     */
    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0, o = off; b < nb; b++, base += BLOCK_BYTES, o += BLOCK) {
            FloatVector d = FloatVector.broadcast(Lanes.F, f16(data, base));
            IntVector qh = IntVector.broadcast(QuantVectors.I, data.get(U32_LE, base + QH));
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                IntVector nib = (IntVector) ByteVector.fromMemorySegment(QuantVectors.B, data, base + QS + (j & 15), QuantVectors.LE)
                        .lanewise(VectorOperators.LSHR, 4 * (j >> 4)).and((byte) 0x0F)
                        .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                IntVector hi = qh.lanewise(VectorOperators.LSHR, IntVector.fromArray(QuantVectors.I, IOTA, j))
                        .and(1).lanewise(VectorOperators.LSHL, 4);
                ((FloatVector) nib.or(hi).sub(16).convert(VectorOperators.I2F, 0)).mul(d).intoArray(out, o + j);
            }
        }
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < nb; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            int qh = data.get(U32_LE, base + QH);
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, base + QS + j) & 0xFF;
                out[off + b * BLOCK + j] = (((q & 0xF) | ((qh >>> j) & 1) << 4) - 16) * d;
                out[off + b * BLOCK + j + BLOCK / 2] = (((q >> 4) | ((qh >>> (j + 16)) & 1) << 4) - 16) * d;
            }
        }
    }
}
