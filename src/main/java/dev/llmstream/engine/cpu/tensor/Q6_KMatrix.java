package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 *
 * <p>Matmul: x86 never repacks Q6_K; llama.cpp runs {@code ggml_vec_dot_q6_K_q8_K} for one token or many
 * ({@link GgmlDots#q6_KLanes}): eight integer lanes per super-block, lane {@code p} collecting, over the
 * eight 32-element quarters, the group scale times the four products {@code 4p..4p+3} of unsigned quants,
 * minus {@code 32 ·} the scaled activation sums of elements {@code 32p..32p+31}; then
 * {@code acc_p = fma(d_x·d, isum_p, acc_p)} and the eight-lane fold. Panels ({@link PanelMatrix}): the
 * 6-bit quants unpacked to bytes (0..63) grouped by lane {@code p}, then super-block, quarter and product;
 * the sixteen int8 group scales per super-block; {@code d} as floats. A lane's integer sum can exceed 2^24,
 * so the kernels add the exactly-float-computed scaled quarter sums as ints.
 */
public final class Q6_KMatrix extends PanelMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;
    static final int QH = 128;
    static final int SCALES = 192;
    static final int D = 208;

    private final int nsb;
    /** Offset of the quants in a panel's byte array (after the {@code nsb × 16 × P} scales). */
    private final int quants;

    public Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q6_K, data, rows, cols, (cols / BLOCK) * (16 + BLOCK) * P, (cols / BLOCK) * P, false);
        this.nsb = cols / BLOCK;
        this.quants = nsb * 16 * P;
        repackAll();
    }

    @Override
    void repackRow(byte[] row, int i, byte[] q, int qo, float[] f, int fo) {
        for (int sb = 0; sb < nsb; sb++) {
            int bo = sb * BLOCK_BYTES;
            f[fo + sb * P + i] = Float.float16ToFloat((short) ((row[bo + D] & 0xFF) | row[bo + D + 1] << 8));
            for (int g = 0; g < 16; g++) {
                q[qo + (sb * 16 + g) * P + i] = row[bo + SCALES + g];
            }
            for (int e = 0; e < BLOCK; e++) {
                int n = e / 128;
                int g = (e % 128) / 32;
                int l = e % 32;
                int ql = row[bo + 64 * n + 32 * (g & 1) + l] & 0xFF;
                int low = g < 2 ? ql & 15 : ql >> 4;
                int high = ((row[bo + QH + 32 * n + l] & 0xFF) >> (2 * g)) & 3;
                int lane = (e & 31) >> 2;
                q[qo + quants + (((lane * nsb + sb) * 8 + (e >> 5)) * 4 + (e & 3)) * P + i] = (byte) (low | high << 4);
            }
        }
    }

    @Override
    int stripFloats() {
        return nsb * (16 + BLOCK) * P;
    }

    /** Strip: the group scales then the quants, as floats, in the panel's order. */
    @Override
    void stripPanel(int p, float[] strip) {
        byte[] q = q(p);
        int qo = qo(p);
        for (int i = 0, n = nsb * (16 + BLOCK); i < n; i++) {
            ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, qo + i * P)
                    .convertShape(VectorOperators.B2F, Lanes.F, 0)).intoArray(strip, i * P);
        }
    }

    @Override
    void panelBytes(int p, int g, PreparedInput x, int t, boolean pair, float[] res, float[] park) {
        panelBytes1(p, x, t, park);
        fold8(park, 0, res, 0);
        if (pair) {
            panelBytes1(p, x, t + 1, park);
            fold8(park, 0, res, P);
        }
    }

    /** Token {@code t}: lane accumulators into {@code park[lane·P ..]}. */
    private void panelBytes1(int p, PreparedInput x, int t, float[] park) {
        byte[] q = q(p);
        int qo = qo(p);
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        float[] bs = x.sums;
        for (int lane = 0; lane < 8; lane++) {
            FloatVector acc = FloatVector.zero(Lanes.F);
            int half = lane >> 2;
            for (int sb = 0; sb < nsb; sb++) {
                int o = qo + quants + (lane * nsb + sb) * 32 * P;
                int sco = qo + sb * 16 * P;
                int k = t * cols + sb * BLOCK + 4 * lane;
                IntVector isum = IntVector.zero(QuantVectors.I);
                for (int quarter = 0; quarter < 8; quarter++, o += 4 * P, k += 32) {
                    FloatVector s = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(xv[k]);
                    s = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + 1]), s);
                    s = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + 2]), s);
                    s = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 3 * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + 3]), s);
                    FloatVector sc = (FloatVector) ByteVector.fromArray(QuantVectors.B, q, sco + (2 * quarter + half) * P).convertShape(VectorOperators.B2F, Lanes.F, 0);
                    isum = isum.add((IntVector) sc.mul(s).convert(VectorOperators.F2I, 0));
                }
                int g = t * (cols / 16) + sb * 16 + 2 * lane;
                FloatVector off = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, sco + 2 * lane * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(bs[g]);
                off = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, sco + (2 * lane + 1) * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).fma(FloatVector.broadcast(Lanes.F, bs[g + 1]), off);
                isum = isum.sub((IntVector) off.mul(32f).convert(VectorOperators.F2I, 0));
                acc = FloatVector.fromArray(Lanes.F, f, fo + sb * P).mul(xs[t * nsb + sb])
                        .fma((FloatVector) isum.convert(VectorOperators.I2F, 0), acc);
            }
            acc.intoArray(park, lane * P);
        }
    }

    @Override
    void panelStrip(float[][] strips, int p, int g, PreparedInput x, int t, int tokens, float[] res,
                    float[] park) {
        float[] strip = strips[0];
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] xs = x.scales;
        float[] bs = x.sums;
        int gs = cols / 16;
        for (int lane = 0; lane < 8; lane++) {
            FloatVector a0 = FloatVector.zero(Lanes.F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int half = lane >> 2;
            for (int sb = 0; sb < nsb; sb++) {
                int o = quants + (lane * nsb + sb) * 32 * P;
                int sco = sb * 16 * P;
                int k0 = t * cols + sb * BLOCK + 4 * lane;
                IntVector i0 = IntVector.zero(QuantVectors.I);
                IntVector i1 = i0;
                IntVector i2 = i0;
                IntVector i3 = i0;
                for (int quarter = 0; quarter < 8; quarter++, o += 4 * P, k0 += 32) {
                    FloatVector w0 = FloatVector.fromArray(Lanes.F, strip, o);
                    FloatVector w1 = FloatVector.fromArray(Lanes.F, strip, o + P);
                    FloatVector w2 = FloatVector.fromArray(Lanes.F, strip, o + 2 * P);
                    FloatVector w3 = FloatVector.fromArray(Lanes.F, strip, o + 3 * P);
                    FloatVector sc = FloatVector.fromArray(Lanes.F, strip, sco + (2 * quarter + half) * P);
                    int k1 = k0 + cols;
                    int k2 = k1 + cols;
                    int k3 = k2 + cols;
                    FloatVector s = w0.mul(xv[k0]).add(w1.mul(xv[k0 + 1])).add(w2.mul(xv[k0 + 2])).add(w3.mul(xv[k0 + 3]));
                    i0 = i0.add((IntVector) sc.mul(s).convert(VectorOperators.F2I, 0));
                    s = w0.mul(xv[k1]).add(w1.mul(xv[k1 + 1])).add(w2.mul(xv[k1 + 2])).add(w3.mul(xv[k1 + 3]));
                    i1 = i1.add((IntVector) sc.mul(s).convert(VectorOperators.F2I, 0));
                    s = w0.mul(xv[k2]).add(w1.mul(xv[k2 + 1])).add(w2.mul(xv[k2 + 2])).add(w3.mul(xv[k2 + 3]));
                    i2 = i2.add((IntVector) sc.mul(s).convert(VectorOperators.F2I, 0));
                    s = w0.mul(xv[k3]).add(w1.mul(xv[k3 + 1])).add(w2.mul(xv[k3 + 2])).add(w3.mul(xv[k3 + 3]));
                    i3 = i3.add((IntVector) sc.mul(s).convert(VectorOperators.F2I, 0));
                }
                FloatVector sa = FloatVector.fromArray(Lanes.F, strip, sco + 2 * lane * P);
                FloatVector sbv = FloatVector.fromArray(Lanes.F, strip, sco + (2 * lane + 1) * P);
                FloatVector dw = FloatVector.fromArray(Lanes.F, f, fo + sb * P);
                int gi = t * gs + sb * 16 + 2 * lane;
                i0 = i0.sub((IntVector) sa.mul(bs[gi]).add(sbv.mul(bs[gi + 1])).mul(32f).convert(VectorOperators.F2I, 0));
                a0 = dw.mul(xs[t * nsb + sb]).fma((FloatVector) i0.convert(VectorOperators.I2F, 0), a0);
                gi += gs;
                i1 = i1.sub((IntVector) sa.mul(bs[gi]).add(sbv.mul(bs[gi + 1])).mul(32f).convert(VectorOperators.F2I, 0));
                a1 = dw.mul(xs[(t + 1) * nsb + sb]).fma((FloatVector) i1.convert(VectorOperators.I2F, 0), a1);
                gi += gs;
                i2 = i2.sub((IntVector) sa.mul(bs[gi]).add(sbv.mul(bs[gi + 1])).mul(32f).convert(VectorOperators.F2I, 0));
                a2 = dw.mul(xs[(t + 2) * nsb + sb]).fma((FloatVector) i2.convert(VectorOperators.I2F, 0), a2);
                gi += gs;
                i3 = i3.sub((IntVector) sa.mul(bs[gi]).add(sbv.mul(bs[gi + 1])).mul(32f).convert(VectorOperators.F2I, 0));
                a3 = dw.mul(xs[(t + 3) * nsb + sb]).fma((FloatVector) i3.convert(VectorOperators.I2F, 0), a3);
            }
            a0.intoArray(park, lane * P);
            a1.intoArray(park, (8 + lane) * P);
            a2.intoArray(park, (16 + lane) * P);
            a3.intoArray(park, (24 + lane) * P);
        }
        for (int i = 0; i < 4; i++) {
            fold8(park, 8 * i * P, res, i * P);
        }
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return GgmlDots.q6_KLanes(data, r * rowBytes, cols, x, t);
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
