package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * {@code (q - 8)} has 4 bits and {@code d} 11 significant bits, so the product is exact in float32.
 *
 * <p>Matmul: llama.cpp repacks Q4_0 on x86 (rows a multiple of 8) and multiplies with
 * {@code gemv/gemm_q4_0_8x8_q8_0} ({@link GgmlDots#q4_0Repacked}): one accumulator per output, per block the
 * 32-product integer sum {@code S} and {@code acc = fma(S, d_w·d_x, acc)}, the same for one token or many.
 * Panels ({@link PanelMatrix}): per block, for position {@code j < 16}, the {@code P} rows' byte holding
 * elements {@code j} (low nibble) and {@code j + 16} (high nibble), each XOR 8 so that a sign-extending
 * shift yields {@code q − 8} directly; the block scales as {@code P} floats. Matrices llama.cpp does not
 * repack (rows not a multiple of 8) keep its {@code ggml_vec_dot_q4_0_q8_0} arithmetic through the scalar
 * twin.
 */
public final class Q4_0Matrix extends PanelMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    /**
     * llama.cpp repacks this format for x86 (8 rows interleaved, {@code ggml_repack_get_optimal_repack_type})
     * when the row count is a multiple of 8; otherwise it uses the plain {@code ggml_vec_dot} kernels.
     */
    private final boolean repacked;
    private final int nb;

    public Q4_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_0, data, rows, cols, (cols / BLOCK) * 16 * P, (cols / BLOCK) * P, false);
        this.repacked = rows % 8 == 0;
        this.nb = cols / BLOCK;
        repackAll();
    }

    @Override
    void repackRow(byte[] row, int i, byte[] q, int qo, float[] f, int fo) {
        for (int b = 0; b < nb; b++) {
            int bo = b * BLOCK_BYTES;
            f[fo + b * P + i] = Float.float16ToFloat((short) ((row[bo] & 0xFF) | row[bo + 1] << 8));
            for (int j = 0; j < 16; j++) {
                q[qo + (b * 16 + j) * P + i] = (byte) (row[bo + 2 + j] ^ 0x88);
            }
        }
    }

    @Override
    public void matmul(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        if (repacked) {
            super.matmul(x, out, ldOut, rowStart, rowEnd);
        } else {
            matmulScalar(x, out, ldOut, rowStart, rowEnd);
        }
    }

    @Override
    int stripFloats() {
        return nb * P + nb * BLOCK * P;
    }

    /** Strip: the scales, then per block the 32 weights {@code q − 8} in element order, {@code P} floats each. */
    @Override
    void stripPanel(int p, float[] strip) {
        System.arraycopy(f(p), fo(p), strip, 0, nb * P);
        byte[] q = q(p);
        int qo = qo(p);
        for (int b = 0; b < nb; b++) {
            for (int j = 0; j < 16; j++) {
                IntVector v = (IntVector) ByteVector.fromArray(QuantVectors.B, q, qo + (b * 16 + j) * P)
                        .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                int o = nb * P + (b * BLOCK + j) * P;
                ((FloatVector) v.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 28)
                        .convert(VectorOperators.I2F, 0)).intoArray(strip, o);
                ((FloatVector) v.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0))
                        .intoArray(strip, o + 16 * P);
            }
        }
    }

    /*
     * The quant byte b holds (lo ^ 8) | (hi ^ 8) << 4; sign-extended to an int v, v >> 4 is hi - 8 and
     * (v << 28) >> 28 is lo - 8. One method per token count (see Q8_0Matrix: no merged vector variables).
     */

    @Override
    void panelBytes(int p, int g, PreparedInput x, int t, boolean pair, float[] res, float[] park) {
        if (pair) {
            panelBytes2(p, x, t, res);
        } else {
            panelBytes1(p, x, t, res);
        }
    }

    private void panelBytes1(int p, PreparedInput x, int t, float[] res) {
        byte[] q = q(p);
        int qo = qo(p);
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        FloatVector acc = FloatVector.zero(Lanes.F);
        for (int b = 0; b < nb; b++) {
            FloatVector s = FloatVector.zero(Lanes.F);
            int k = t * cols + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                IntVector v = (IntVector) ByteVector.fromArray(QuantVectors.B, q, qo + (b * 16 + j) * P)
                        .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                s = ((FloatVector) v.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 28)
                        .convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + j]), s);
                s = ((FloatVector) v.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.broadcast(Lanes.F, xv[k + j + 16]), s);
            }
            acc = s.fma(FloatVector.fromArray(Lanes.F, f, fo + b * P).mul(xs[t * nb + b]), acc);
        }
        acc.intoArray(res, 0);
    }

    private void panelBytes2(int p, PreparedInput x, int t, float[] res) {
        byte[] q = q(p);
        int qo = qo(p);
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        FloatVector acc = FloatVector.zero(Lanes.F);
        FloatVector acc1 = acc;
        for (int b = 0; b < nb; b++) {
            FloatVector s = FloatVector.zero(Lanes.F);
            FloatVector u = s;
            int k = t * cols + b * BLOCK;
            int k1 = k + cols;
            for (int j = 0; j < 16; j++) {
                IntVector v = (IntVector) ByteVector.fromArray(QuantVectors.B, q, qo + (b * 16 + j) * P)
                        .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                FloatVector lo = (FloatVector) v.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 28)
                        .convert(VectorOperators.I2F, 0);
                FloatVector hi = (FloatVector) v.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0);
                s = lo.fma(FloatVector.broadcast(Lanes.F, xv[k + j]), s);
                s = hi.fma(FloatVector.broadcast(Lanes.F, xv[k + j + 16]), s);
                u = lo.fma(FloatVector.broadcast(Lanes.F, xv[k1 + j]), u);
                u = hi.fma(FloatVector.broadcast(Lanes.F, xv[k1 + j + 16]), u);
            }
            FloatVector dw = FloatVector.fromArray(Lanes.F, f, fo + b * P);
            acc = s.fma(dw.mul(xs[t * nb + b]), acc);
            acc1 = u.fma(dw.mul(xs[(t + 1) * nb + b]), acc1);
        }
        acc.intoArray(res, 0);
        acc1.intoArray(res, P);
    }

    @Override
    int multiPanels() {
        return 1;
    }

    /**
     * Tokens {@code t .. t+tokens-1} (3 or 4; a missing fourth repeats the third and is ignored) against panel
     * {@code p}: each weight vector unpacked once for four tokens. Per token the arithmetic of
     * {@link #panelBytes1}, so results do not depend on the kernel that served the token.
     */
    @Override
    void panelMulti(int p, PreparedInput x, int t, int tokens, float[] res, float[] park) {
        int last = t + tokens - 1;
        quad(p, x, t, t + 1, Math.min(t + 2, last), Math.min(t + 3, last), res);
    }

    private void quad(int p, PreparedInput x, int t0, int t1, int t2, int t3, float[] res) {
        byte[] q = q(p);
        int qo = qo(p);
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < nb; b++) {
            FloatVector s0 = FloatVector.zero(Lanes.F), s1 = s0, s2 = s0, s3 = s0;
            int k0 = t0 * cols + b * BLOCK;
            int k1 = t1 * cols + b * BLOCK;
            int k2 = t2 * cols + b * BLOCK;
            int k3 = t3 * cols + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                IntVector v = (IntVector) ByteVector.fromArray(QuantVectors.B, q, qo + (b * 16 + j) * P)
                        .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                FloatVector lo = (FloatVector) v.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 28)
                        .convert(VectorOperators.I2F, 0);
                FloatVector hi = (FloatVector) v.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0);
                s0 = lo.fma(FloatVector.broadcast(Lanes.F, xv[k0 + j]), s0);
                s1 = lo.fma(FloatVector.broadcast(Lanes.F, xv[k1 + j]), s1);
                s2 = lo.fma(FloatVector.broadcast(Lanes.F, xv[k2 + j]), s2);
                s3 = lo.fma(FloatVector.broadcast(Lanes.F, xv[k3 + j]), s3);
                s0 = hi.fma(FloatVector.broadcast(Lanes.F, xv[k0 + j + 16]), s0);
                s1 = hi.fma(FloatVector.broadcast(Lanes.F, xv[k1 + j + 16]), s1);
                s2 = hi.fma(FloatVector.broadcast(Lanes.F, xv[k2 + j + 16]), s2);
                s3 = hi.fma(FloatVector.broadcast(Lanes.F, xv[k3 + j + 16]), s3);
            }
            FloatVector dw = FloatVector.fromArray(Lanes.F, f, fo + b * P);
            a0 = s0.fma(dw.mul(xs[t0 * nb + b]), a0);
            a1 = s1.fma(dw.mul(xs[t1 * nb + b]), a1);
            a2 = s2.fma(dw.mul(xs[t2 * nb + b]), a2);
            a3 = s3.fma(dw.mul(xs[t3 * nb + b]), a3);
        }
        a0.intoArray(res, 0);
        a1.intoArray(res, P);
        a2.intoArray(res, 2 * P);
        a3.intoArray(res, 3 * P);
    }

    @Override
    void panelStrip(float[][] strips, int p, int g, PreparedInput x, int t, int tokens, float[] res,
                    float[] park) {
        float[] strip = strips[0];
        float[] xv = x.values;
        float[] xs = x.scales;
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int b = 0; b < nb; b++) {
            FloatVector s0 = FloatVector.zero(Lanes.F);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            int k0 = t * cols + b * BLOCK;
            int o = nb * P + b * BLOCK * P;
            for (int j = 0; j < BLOCK; j++, o += P) {
                FloatVector w = FloatVector.fromArray(Lanes.F, strip, o);
                s0 = w.fma(FloatVector.broadcast(Lanes.F, xv[k0 + j]), s0);
                s1 = w.fma(FloatVector.broadcast(Lanes.F, xv[k0 + cols + j]), s1);
                s2 = w.fma(FloatVector.broadcast(Lanes.F, xv[k0 + 2 * cols + j]), s2);
                s3 = w.fma(FloatVector.broadcast(Lanes.F, xv[k0 + 3 * cols + j]), s3);
            }
            FloatVector dw = FloatVector.fromArray(Lanes.F, strip, b * P);
            a0 = s0.fma(dw.mul(xs[t * nb + b]), a0);
            a1 = s1.fma(dw.mul(xs[(t + 1) * nb + b]), a1);
            a2 = s2.fma(dw.mul(xs[(t + 2) * nb + b]), a2);
            a3 = s3.fma(dw.mul(xs[(t + 3) * nb + b]), a3);
        }
        a0.intoArray(res, 0);
        a1.intoArray(res, P);
        a2.intoArray(res, 2 * P);
        a3.intoArray(res, 3 * P);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0, o = off; b < nb; b++, base += BLOCK_BYTES, o += BLOCK) {
            FloatVector d = FloatVector.broadcast(Lanes.F, f16(data, base));
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
