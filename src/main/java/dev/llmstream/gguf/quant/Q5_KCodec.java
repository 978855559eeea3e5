package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Q5_K: super-blocks of 256 weights in 176 bytes, {@code block_q5_K { ggml_half d; ggml_half dmin;
 * uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; }}: Q4_K with a fifth bit per weight.
 * Sub-block {@code j} decodes as {@code x = d*sc[j] * q - dmin*m[j]}, {@code q} in 0..31.
 *
 * <p>Quantization is {@code quantize_row_q5_K_ref}: the Q4_K scheme with
 * {@code make_qkx2_quants(32, nmax 31, rmin -0.5, rdelta 0.1, nstep 15)} (a finer code grid,
 * so fewer and closer alternatives are tried). Low nibbles are packed as in Q4_K; the fifth
 * bit of weight {@code 64g + l} is bit {@code 2g} of {@code qh[l]}, that of {@code 64g + 32 + l}
 * bit {@code 2g + 1}. Dequantization is {@code dequantize_row_q5_K}.
 */
public final class Q5_KCodec implements WeightCodec {
    static final Q5_KCodec INSTANCE = new Q5_KCodec();
    public static final int BLOCK = 256;
    public static final int BLOCK_BYTES = 176;
    private static final int QH = 16;
    private static final int QS = 48;

    private Q5_KCodec() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        KQuants.Work w = new KQuants.Work();
        byte[] qh = new byte[32];
        byte[] qs = new byte[BLOCK / 2];
        for (int b = 0; b < n / BLOCK; b++) {
            int x0 = srcOff + b * BLOCK;
            long out = dstOff + (long) b * BLOCK_BYTES;
            KQuants.requireFinite(src, x0, BLOCK, "Q5_K");
            KQuants.quantizeScaleMinBlock(src, x0, 31, -0.5f, 0.1f, 15, w, dst, out);
            byte[] L = w.levels;
            Arrays.fill(qh, (byte) 0);
            for (int g = 0; g < 4; g++) {
                int m1 = 1 << (2 * g);
                int m2 = 2 << (2 * g);
                for (int j = 0; j < 32; j++) {
                    int l1 = L[64 * g + j];
                    if (l1 > 15) {
                        l1 -= 16;
                        qh[j] |= (byte) m1;
                    }
                    int l2 = L[64 * g + 32 + j];
                    if (l2 > 15) {
                        l2 -= 16;
                        qh[j] |= (byte) m2;
                    }
                    qs[32 * g + j] = (byte) (l1 | (l2 << 4));
                }
            }
            MemorySegment.copy(qh, 0, dst, ValueLayout.JAVA_BYTE, out + QH, qh.length);
            MemorySegment.copy(qs, 0, dst, ValueLayout.JAVA_BYTE, out + QS, qs.length);
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        byte[] p = new byte[12];
        byte[] qh = new byte[32];
        byte[] qs = new byte[BLOCK / 2];
        for (int b = 0; b < n / BLOCK; b++) {
            long in = srcOff + (long) b * BLOCK_BYTES;
            float d = F16Codec.fromHalf(src.get(F16Codec.LE, in));
            float min = F16Codec.fromHalf(src.get(F16Codec.LE, in + 2));
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, in + 4, p, 0, 12);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, in + QH, qh, 0, qh.length);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, in + QS, qs, 0, qs.length);
            int y = dstOff + b * BLOCK;
            for (int g = 0; g < 4; g++) {
                float d1 = d * KQuants.scale(p, 2 * g);
                float m1 = min * KQuants.min(p, 2 * g);
                float d2 = d * KQuants.scale(p, 2 * g + 1);
                float m2 = min * KQuants.min(p, 2 * g + 1);
                int u1 = 1 << (2 * g);
                int u2 = 2 << (2 * g);
                for (int l = 0; l < 32; l++) {
                    int q = qs[32 * g + l] & 0xFF;
                    int h = qh[l];
                    dst[y + 64 * g + l] = d1 * ((q & 0xF) + ((h & u1) != 0 ? 16 : 0)) - m1;
                    dst[y + 64 * g + 32 + l] = d2 * ((q >>> 4) + ((h & u2) != 0 ? 16 : 0)) - m2;
                }
            }
        }
    }
}
