package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q8_0 (ggml {@code block_q8_0}): blocks of 32 weights in 34 bytes — an f16 scale {@code d} then 32
 * signed bytes {@code q}; {@code w = q * d}. The product of a 7-bit integer and an 11-bit-mantissa
 * scale is exact in float32, so every dequantization path yields identical weights. The vector paths
 * take {@code d} from {@link #scales} (see {@link BlockMatrix#blockScales}).
 */
public final class Q8_0Matrix extends BlockMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;
    /**
     * Largest batch decoded by the fused kernels (see {@link #stripMinTokens}). Measured against the
     * strip path (JMH, 2560 x 1024 from DRAM, two runs each): 4 tokens 36–37 vs 30–33 GFLOP/s,
     * 8 tokens 47–55 vs 45–47; at 12 the strip was as fast (scratch harness), at 15–16 faster.
     */
    static final int MULTI_TOKEN_MAX = 11;
    /** Bytes holding {@code L} quants: converting them gives one float vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Lanes.L * 8));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** {@code d} of every block as float, row-major. */
    private final float[] scales;
    private final int blocksPerRow;

    public Q8_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q8_0, data, rows, cols);
        this.blocksPerRow = cols / BLOCK;
        this.scales = blockScales(0);
    }

    /*
     * Every kernel below writes its Vector API calls out instead of calling a helper that takes or
     * returns a vector: Vector API methods are force-inlined, our helpers only within C2's size and
     * node budgets, and a vector crossing a call that is not inlined is boxed on the heap (see
     * ZeroAllocationTest). Quants: ByteVector of L bytes widened by B2F (exact).
     */

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        int s = row * blocksPerRow;
        for (int b = 0; b < blocksPerRow; b++, base += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Lanes.F, scales[s + b]);
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                ((FloatVector) ByteVector.fromMemorySegment(B, data, base + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d).intoArray(out, off + b * BLOCK + j);
            }
        }
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            for (int j = 0; j < BLOCK; j++) {
                out[off + b * BLOCK + j] = data.get(ValueLayout.JAVA_BYTE, base + 2 + j) * d;
            }
        }
    }

    @Override
    protected float fused1(int r, float[] x, int xOff, float[] park) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        long base = r * rowBytes;
        int s = r * blocksPerRow;
        for (int b = 0, k = xOff; b < blocksPerRow; b++, base += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Lanes.F, scales[s + b]);
            for (int j = 0; j < BLOCK; j += Lanes.L, k += Lanes.L) {
                acc = ((FloatVector) ByteVector.fromMemorySegment(B, data, base + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d).fma(FloatVector.fromArray(Lanes.F, x, k), acc);
            }
        }
        acc.intoArray(park, 0);
        return Lanes.sumAt(park, 0);
    }

    @Override
    protected void fused4(int r, float[] x, int xOff, float[] out, int oOff, float[] acc) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        long b0 = r * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
        int nb = blocksPerRow;
        int s0 = r * nb, s1 = s0 + nb, s2 = s1 + nb, s3 = s2 + nb;
        for (int b = 0, k = xOff; b < nb; b++) {
            FloatVector d0 = FloatVector.broadcast(Lanes.F, scales[s0 + b]);
            FloatVector d1 = FloatVector.broadcast(Lanes.F, scales[s1 + b]);
            FloatVector d2 = FloatVector.broadcast(Lanes.F, scales[s2 + b]);
            FloatVector d3 = FloatVector.broadcast(Lanes.F, scales[s3 + b]);
            for (int j = 0; j < BLOCK; j += Lanes.L, k += Lanes.L) {
                FloatVector v = FloatVector.fromArray(Lanes.F, x, k);
                a0 = ((FloatVector) ByteVector.fromMemorySegment(B, data, b0 + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d0).fma(v, a0);
                a1 = ((FloatVector) ByteVector.fromMemorySegment(B, data, b1 + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d1).fma(v, a1);
                a2 = ((FloatVector) ByteVector.fromMemorySegment(B, data, b2 + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d2).fma(v, a2);
                a3 = ((FloatVector) ByteVector.fromMemorySegment(B, data, b3 + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d3).fma(v, a3);
            }
            b0 += BLOCK_BYTES;
            b1 += BLOCK_BYTES;
            b2 += BLOCK_BYTES;
            b3 += BLOCK_BYTES;
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, Lanes.L);
        a2.intoArray(acc, 2 * Lanes.L);
        a3.intoArray(acc, 3 * Lanes.L);
        sums4(acc, 0, out, oOff + r);
    }

    /** Batches up to {@link #MULTI_TOKEN_MAX} tokens take the fused path (4 x 4 tiles). */
    @Override
    int stripMinTokens() {
        return MULTI_TOKEN_MAX + 1;
    }

    @Override
    protected void fused4x4(int r, float[] x, int t0, float[] out, int ldOut, float[] acc) {
        FloatVector a00 = FloatVector.zero(Lanes.F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        long b0 = r * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
        int nb = blocksPerRow;
        int s0 = r * nb, s1 = s0 + nb, s2 = s1 + nb, s3 = s2 + nb;
        int x0 = t0 * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        for (int b = 0, k = 0; b < nb; b++) {
            FloatVector d0 = FloatVector.broadcast(Lanes.F, scales[s0 + b]);
            FloatVector d1 = FloatVector.broadcast(Lanes.F, scales[s1 + b]);
            FloatVector d2 = FloatVector.broadcast(Lanes.F, scales[s2 + b]);
            FloatVector d3 = FloatVector.broadcast(Lanes.F, scales[s3 + b]);
            for (int j = 0; j < BLOCK; j += Lanes.L, k += Lanes.L) {
                FloatVector w0 = ((FloatVector) ByteVector.fromMemorySegment(B, data, b0 + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d0);
                FloatVector w1 = ((FloatVector) ByteVector.fromMemorySegment(B, data, b1 + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d1);
                FloatVector w2 = ((FloatVector) ByteVector.fromMemorySegment(B, data, b2 + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d2);
                FloatVector w3 = ((FloatVector) ByteVector.fromMemorySegment(B, data, b3 + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d3);
                FloatVector v = FloatVector.fromArray(Lanes.F, x, x0 + k);
                a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
                v = FloatVector.fromArray(Lanes.F, x, x1 + k);
                a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
                v = FloatVector.fromArray(Lanes.F, x, x2 + k);
                a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
                v = FloatVector.fromArray(Lanes.F, x, x3 + k);
                a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
            }
            b0 += BLOCK_BYTES;
            b1 += BLOCK_BYTES;
            b2 += BLOCK_BYTES;
            b3 += BLOCK_BYTES;
        }
        final int l = Lanes.L;
        a00.intoArray(acc, 0); a10.intoArray(acc, l); a20.intoArray(acc, 2 * l); a30.intoArray(acc, 3 * l);
        a01.intoArray(acc, 4 * l); a11.intoArray(acc, 5 * l); a21.intoArray(acc, 6 * l); a31.intoArray(acc, 7 * l);
        a02.intoArray(acc, 8 * l); a12.intoArray(acc, 9 * l); a22.intoArray(acc, 10 * l); a32.intoArray(acc, 11 * l);
        a03.intoArray(acc, 12 * l); a13.intoArray(acc, 13 * l); a23.intoArray(acc, 14 * l); a33.intoArray(acc, 15 * l);
        for (int t = 0; t < 4; t++) {
            sums4(acc, 4 * t * l, out, (t0 + t) * ldOut + r);
        }
    }
}
