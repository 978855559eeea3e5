package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_K: super-blocks of 256 weights in 144 bytes,
 * {@code block_q4_K { ggml_half d; ggml_half dmin; uint8_t scales[12]; uint8_t qs[128]; }}
 * (ggml/src/ggml-common.h). The super-block is 8 sub-blocks of 32; sub-block {@code j} decodes
 * as {@code x = d*sc[j] * q - dmin*m[j]} with 4-bit codes {@code q} and 6-bit {@code sc}/{@code m}
 * packed into the 12 scale bytes (see {@link KQuants#packScaleMin}).
 *
 * <p>Quantization is {@code quantize_row_q4_K_ref} (what {@code ggml_quantize_chunk} runs without
 * an importance matrix): per sub-block, {@code make_qkx2_quants(32, nmax 15, weights av_x + |x|,
 * rmin -1, rdelta 0.1, nstep 20)} searches 21 code grids for the best affine fit, then the scales
 * and mins are quantized to 6 bits and the weights re-coded against the stored values
 * ({@link KQuants#quantizeScaleMinBlock}). Codes are packed 64 weights per 32 bytes: byte
 * {@code l} of group {@code g} holds weight {@code 64g + l} in its low nibble and
 * {@code 64g + 32 + l} in its high nibble. Dequantization is {@code dequantize_row_q4_K}.
 */
public final class Q4_KCodec implements WeightCodec {
    static final Q4_KCodec INSTANCE = new Q4_KCodec();
    public static final int BLOCK = 256;
    public static final int BLOCK_BYTES = 144;
    private static final int QS = 16;

    private Q4_KCodec() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        KQuants.Work w = new KQuants.Work();
        byte[] qs = new byte[BLOCK / 2];
        for (int b = 0; b < n / BLOCK; b++) {
            int x0 = srcOff + b * BLOCK;
            long out = dstOff + (long) b * BLOCK_BYTES;
            KQuants.requireFinite(src, x0, BLOCK, "Q4_K");
            KQuants.quantizeScaleMinBlock(src, x0, 15, -1f, 0.1f, 20, w, dst, out);
            byte[] L = w.levels;
            for (int g = 0; g < 4; g++) {
                for (int l = 0; l < 32; l++) {
                    qs[32 * g + l] = (byte) (L[64 * g + l] | (L[64 * g + 32 + l] << 4));
                }
            }
            MemorySegment.copy(qs, 0, dst, ValueLayout.JAVA_BYTE, out + QS, qs.length);
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        byte[] p = new byte[12];
        byte[] qs = new byte[BLOCK / 2];
        for (int b = 0; b < n / BLOCK; b++) {
            long in = srcOff + (long) b * BLOCK_BYTES;
            float d = F16Codec.fromHalf(src.get(F16Codec.LE, in));
            float min = F16Codec.fromHalf(src.get(F16Codec.LE, in + 2));
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, in + 4, p, 0, 12);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, in + QS, qs, 0, qs.length);
            int y = dstOff + b * BLOCK;
            for (int g = 0; g < 4; g++) {
                float d1 = d * KQuants.scale(p, 2 * g);
                float m1 = min * KQuants.min(p, 2 * g);
                float d2 = d * KQuants.scale(p, 2 * g + 1);
                float m2 = min * KQuants.min(p, 2 * g + 1);
                for (int l = 0; l < 32; l++) {
                    int q = qs[32 * g + l] & 0xFF;
                    dst[y + 64 * g + l] = d1 * (q & 0xF) - m1;
                    dst[y + 64 * g + 32 + l] = d2 * (q >>> 4) - m2;
                }
            }
        }
    }
}
