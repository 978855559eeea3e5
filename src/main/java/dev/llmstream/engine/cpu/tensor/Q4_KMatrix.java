package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * {@code d·sc·q − dmin·m} (dequantization, for embeddings).
 *
 * <p>Matmul: llama.cpp repacks Q4_K on x86 (rows a multiple of 8) and multiplies with
 * {@code gemv/gemm_q4_K_8x8_q8_K} ({@link GgmlDots#q4_KRepacked}): per super-block the scaled sub-block sums
 * {@code Σ sc_j·S_j} and min terms {@code Σ m_j·bsum_j} go into {@code acc = fma(isum, d·d_x, acc)} and
 * {@code accMin = fma(imin, dmin·d_x, accMin)}, result {@code acc − accMin} — once per super-block for a
 * single token ({@code gemv}), once per pair of sub-blocks for tokens in 4-token tiles ({@code gemm},
 * {@link MatmulMode#TILE4}). Panels ({@link PanelMatrix}): per super-block the 6-bit scales and mins of the
 * {@code P} rows as bytes, then for chunk {@code c}, position {@code l}, the rows' byte holding sub-block
 * {@code 2c} element {@code l} (low nibble) and sub-block {@code 2c+1} element {@code l} (high); {@code d},
 * {@code dmin} as floats. Every product and sub-block sum is exact in float; the single-token sum of eight
 * scaled sub-blocks can pass 2^24 and is added as ints. Matrices llama.cpp does not repack keep its
 * {@code ggml_vec_dot_q4_K_q8_K} arithmetic through the scalar twin.
 */
public final class Q4_KMatrix extends PanelMatrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    static final int SCALES = 4;
    static final int QS = 16;
    /** Panel bytes per super-block: 8 scales, 8 mins, 128 quant bytes, {@code P} rows each. */
    private static final int SB_BYTES = 144;
    /** Strip floats per super-block: 8 scales, 8 mins, 256 weights, {@code P} rows each. */
    private static final int SB_FLOATS = 272;
    /** Per-thread accumulators ({@code acc}, {@code accMin}) of the strip kernel's four tokens. */
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[8 * P]);

    /**
     * llama.cpp repacks this format for x86 (8 rows interleaved, {@code ggml_repack_get_optimal_repack_type})
     * when the row count is a multiple of 8; otherwise it uses the plain {@code ggml_vec_dot} kernels.
     */
    private final boolean repacked;
    private final int nsb;

    public Q4_KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_K, data, rows, cols, (cols / BLOCK) * SB_BYTES * P, (cols / BLOCK) * 2 * P, false);
        this.repacked = rows % 8 == 0;
        this.nsb = cols / BLOCK;
        repackAll();
    }

    @Override
    void repackRow(byte[] row, int i, byte[] q, int qo, float[] f, int fo) {
        MemorySegment seg = MemorySegment.ofArray(row);
        for (int sb = 0; sb < nsb; sb++) {
            int bo = sb * BLOCK_BYTES;
            f[fo + 2 * sb * P + i] = f16(seg, bo);
            f[fo + (2 * sb + 1) * P + i] = f16(seg, bo + 2);
            int o = qo + sb * SB_BYTES * P;
            for (int j = 0; j < 8; j++) {
                q[o + j * P + i] = (byte) KScales.scale(seg, bo + SCALES, j);
                q[o + (8 + j) * P + i] = (byte) KScales.min(seg, bo + SCALES, j);
            }
            for (int b = 0; b < 128; b++) {
                q[o + (16 + b) * P + i] = row[bo + QS + b];
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
        return nsb * SB_FLOATS * P;
    }

    /** Strip: per super-block the scales and mins, then the 256 weights in element order, as floats. */
    @Override
    void stripPanel(int p, float[] strip) {
        byte[] q = q(p);
        int qo = qo(p);
        for (int sb = 0; sb < nsb; sb++) {
            int o = qo + sb * SB_BYTES * P;
            int so = sb * SB_FLOATS * P;
            for (int j = 0; j < 16; j++) {
                ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + j * P).convertShape(VectorOperators.B2F, Lanes.F, 0))
                        .intoArray(strip, so + j * P);
            }
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    IntVector v = (IntVector) ByteVector.fromArray(QuantVectors.B, q, o + (16 + 32 * c + l) * P)
                            .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                    ((FloatVector) v.and(15).convert(VectorOperators.I2F, 0)).intoArray(strip, so + (16 + 64 * c + l) * P);
                    ((FloatVector) v.lanewise(VectorOperators.ASHR, 4).and(15).convert(VectorOperators.I2F, 0))
                            .intoArray(strip, so + (16 + 64 * c + 32 + l) * P);
                }
            }
        }
    }

    /*
     * Quant byte v (sign-extended): v & 15 is the low nibble, (v >> 4) & 15 the high one. The gemm and gemv
     * arithmetic live in separate methods (a branch inside one kernel would merge vector variables, which
     * C2 boxes).
     */

    @Override
    void panelBytes(int p, int g, PreparedInput x, int t, boolean pair, float[] res, float[] park) {
        for (int i = 0; i < (pair ? 2 : 1); i++) {
            if (MatmulMode.tile4(x.mode(t + i))) {
                tileBytes(p, x, t + i, res, i * P);
            } else {
                singleBytes(p, x, t + i, res, i * P);
            }
        }
    }

    /** {@code gemm} arithmetic for token {@code t}: a multiply-add per pair of sub-blocks. */
    private void tileBytes(int p, PreparedInput x, int t, float[] res, int ro) {
        byte[] q = q(p);
        int qo = qo(p);
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] bs = x.sums;
        FloatVector acc = FloatVector.zero(Lanes.F);
        FloatVector accMin = acc;
        for (int sb = 0; sb < nsb; sb++) {
            int o = qo + sb * SB_BYTES * P;
            float dx = x.scales[t * nsb + sb];
            FloatVector dd = FloatVector.fromArray(Lanes.F, f, fo + 2 * sb * P).mul(dx);
            FloatVector dm = FloatVector.fromArray(Lanes.F, f, fo + (2 * sb + 1) * P).mul(dx);
            int g = t * (cols / 16) + sb * 16;
            for (int c = 0; c < 4; c++) {
                FloatVector lo = FloatVector.zero(Lanes.F);
                FloatVector hi = lo;
                int k = t * cols + sb * BLOCK + 64 * c;
                for (int l = 0; l < 32; l++) {
                    IntVector v = (IntVector) ByteVector.fromArray(QuantVectors.B, q, o + (16 + 32 * c + l) * P)
                            .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                    lo = ((FloatVector) v.and(15).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + l]), lo);
                    hi = ((FloatVector) v.lanewise(VectorOperators.ASHR, 4).and(15).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.broadcast(Lanes.F, xv[k + 32 + l]), hi);
                }
                FloatVector is = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * c * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(lo)
                        .add(((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + (2 * c + 1) * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(hi));
                FloatVector im = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + (8 + 2 * c) * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(bs[g + 4 * c] + bs[g + 4 * c + 1])
                        .add(((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + (9 + 2 * c) * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(bs[g + 4 * c + 2] + bs[g + 4 * c + 3]));
                acc = is.fma(dd, acc);
                accMin = im.fma(dm, accMin);
            }
        }
        acc.sub(accMin).intoArray(res, ro);
    }

    /** {@code gemv} arithmetic for token {@code t}: one multiply-add per super-block. */
    private void singleBytes(int p, PreparedInput x, int t, float[] res, int ro) {
        byte[] q = q(p);
        int qo = qo(p);
        float[] f = f(p);
        int fo = fo(p);
        float[] xv = x.values;
        float[] bs = x.sums;
        FloatVector acc = FloatVector.zero(Lanes.F);
        FloatVector accMin = acc;
        for (int sb = 0; sb < nsb; sb++) {
            int o = qo + sb * SB_BYTES * P;
            float dx = x.scales[t * nsb + sb];
            int g = t * (cols / 16) + sb * 16;
            IntVector is = IntVector.zero(QuantVectors.I);
            FloatVector im = FloatVector.zero(Lanes.F);
            for (int c = 0; c < 4; c++) {
                FloatVector lo = FloatVector.zero(Lanes.F);
                FloatVector hi = lo;
                int k = t * cols + sb * BLOCK + 64 * c;
                for (int l = 0; l < 32; l++) {
                    IntVector v = (IntVector) ByteVector.fromArray(QuantVectors.B, q, o + (16 + 32 * c + l) * P)
                            .convertShape(VectorOperators.B2I, QuantVectors.I, 0);
                    lo = ((FloatVector) v.and(15).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Lanes.F, xv[k + l]), lo);
                    hi = ((FloatVector) v.lanewise(VectorOperators.ASHR, 4).and(15).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.broadcast(Lanes.F, xv[k + 32 + l]), hi);
                }
                is = is.add((IntVector) ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + 2 * c * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(lo).convert(VectorOperators.F2I, 0))
                        .add((IntVector) ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + (2 * c + 1) * P).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(hi).convert(VectorOperators.F2I, 0));
                im = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + (8 + 2 * c) * P).convertShape(VectorOperators.B2F, Lanes.F, 0))
                        .fma(FloatVector.broadcast(Lanes.F, bs[g + 4 * c] + bs[g + 4 * c + 1]), im);
                im = ((FloatVector) ByteVector.fromArray(QuantVectors.B, q, o + (9 + 2 * c) * P).convertShape(VectorOperators.B2F, Lanes.F, 0))
                        .fma(FloatVector.broadcast(Lanes.F, bs[g + 4 * c + 2] + bs[g + 4 * c + 3]), im);
            }
            acc = ((FloatVector) is.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(Lanes.F, f, fo + 2 * sb * P).mul(dx), acc);
            accMin = im.fma(FloatVector.fromArray(Lanes.F, f, fo + (2 * sb + 1) * P).mul(dx), accMin);
        }
        acc.sub(accMin).intoArray(res, ro);
    }

    /**
     * Four tokens over the float strip: per super-block the scaled sub-block sums {@code sc_j·S_j} of each
     * token are parked ({@code park[(8i + j)·P ..]}), then added into the token's accumulators by its mode.
     */
    @Override
    void panelStrip(float[][] strips, int p, int g, PreparedInput x, int t, int tokens, float[] res,
                    float[] park) {
        float[] strip = strips[0];
        float[] acc = ACC.get();
        java.util.Arrays.fill(acc, 0f);
        float[] xv = x.values;
        for (int sb = 0; sb < nsb; sb++) {
            int so = sb * SB_FLOATS * P;
            for (int j = 0; j < 8; j++) {
                FloatVector s0 = FloatVector.zero(Lanes.F);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                int k = t * cols + sb * BLOCK + 32 * j;
                int o = so + (16 + 32 * j) * P;
                for (int l = 0; l < 32; l++, o += P) {
                    FloatVector w = FloatVector.fromArray(Lanes.F, strip, o);
                    s0 = w.fma(FloatVector.broadcast(Lanes.F, xv[k + l]), s0);
                    s1 = w.fma(FloatVector.broadcast(Lanes.F, xv[k + cols + l]), s1);
                    s2 = w.fma(FloatVector.broadcast(Lanes.F, xv[k + 2 * cols + l]), s2);
                    s3 = w.fma(FloatVector.broadcast(Lanes.F, xv[k + 3 * cols + l]), s3);
                }
                FloatVector sc = FloatVector.fromArray(Lanes.F, strip, so + j * P);
                sc.mul(s0).intoArray(park, j * P);
                sc.mul(s1).intoArray(park, (8 + j) * P);
                sc.mul(s2).intoArray(park, (16 + j) * P);
                sc.mul(s3).intoArray(park, (24 + j) * P);
            }
            for (int i = 0; i < 4; i++) {
                accumulate(park, i, MatmulMode.tile4(x.mode(t + i)), strip, so, p, sb, x, t + i, acc);
            }
        }
        for (int i = 0; i < 4; i++) {
            FloatVector.fromArray(Lanes.F, acc, 2 * i * P).sub(FloatVector.fromArray(Lanes.F, acc, (2 * i + 1) * P))
                    .intoArray(res, i * P);
        }
    }

    /**
     * Token slot {@code i}'s super-block {@code sb}: its parked {@code sc_j·S_j} and the mins (from the strip)
     * into {@code acc[2i·P ..]} and {@code accMin[(2i+1)·P ..]}, with {@code gemm} arithmetic ({@code tile}) or
     * {@code gemv}'s — two methods, so that no vector variable merges two paths.
     */
    private void accumulate(float[] park, int i, boolean tile, float[] strip, int so, int p, int sb, PreparedInput x,
                            int t, float[] acc) {
        float dx = x.scales[t * nsb + sb];
        int d = fo(p) + 2 * sb * P;
        int g = t * (cols / 16) + sb * 16;
        if (tile) {
            accumulateTile(park, 8 * i * P, strip, so, f(p), d, dx, x.sums, g, acc, 2 * i * P);
        } else {
            accumulateSingle(park, 8 * i * P, strip, so, f(p), d, dx, x.sums, g, acc, 2 * i * P);
        }
    }

    private static void accumulateTile(float[] park, int pk, float[] strip, int so, float[] f, int d, float dx,
                                       float[] bs, int g, float[] acc, int ao) {
        FloatVector dd = FloatVector.fromArray(Lanes.F, f, d).mul(dx);
        FloatVector dm = FloatVector.fromArray(Lanes.F, f, d + P).mul(dx);
        FloatVector a = FloatVector.fromArray(Lanes.F, acc, ao);
        FloatVector am = FloatVector.fromArray(Lanes.F, acc, ao + P);
        for (int c = 0; c < 4; c++) {
            FloatVector is = FloatVector.fromArray(Lanes.F, park, pk + 2 * c * P)
                    .add(FloatVector.fromArray(Lanes.F, park, pk + (2 * c + 1) * P));
            FloatVector im = FloatVector.fromArray(Lanes.F, strip, so + (8 + 2 * c) * P).mul(bs[g + 4 * c] + bs[g + 4 * c + 1])
                    .add(FloatVector.fromArray(Lanes.F, strip, so + (9 + 2 * c) * P).mul(bs[g + 4 * c + 2] + bs[g + 4 * c + 3]));
            a = is.fma(dd, a);
            am = im.fma(dm, am);
        }
        a.intoArray(acc, ao);
        am.intoArray(acc, ao + P);
    }

    private static void accumulateSingle(float[] park, int pk, float[] strip, int so, float[] f, int d, float dx,
                                         float[] bs, int g, float[] acc, int ao) {
        IntVector is = IntVector.zero(QuantVectors.I);
        FloatVector im = FloatVector.zero(Lanes.F);
        for (int j = 0; j < 8; j++) {
            is = is.add((IntVector) FloatVector.fromArray(Lanes.F, park, pk + j * P).convert(VectorOperators.F2I, 0));
            im = FloatVector.fromArray(Lanes.F, strip, so + (8 + j) * P)
                    .fma(FloatVector.broadcast(Lanes.F, bs[g + 2 * j] + bs[g + 2 * j + 1]), im);
        }
        ((FloatVector) is.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(Lanes.F, f, d).mul(dx),
                FloatVector.fromArray(Lanes.F, acc, ao)).intoArray(acc, ao);
        im.fma(FloatVector.fromArray(Lanes.F, f, d + P).mul(dx), FloatVector.fromArray(Lanes.F, acc, ao + P))
                .intoArray(acc, ao + P);
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return repacked ? GgmlDots.q4_KRepacked(data, r * rowBytes, cols, x, t, MatmulMode.tile4(x.mode(t)))
                : GgmlDots.q4_KLanes(data, r * rowBytes, cols, x, t);
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
