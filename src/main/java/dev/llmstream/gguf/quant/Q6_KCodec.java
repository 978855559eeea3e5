package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q6_K: super-blocks of 256 weights in 210 bytes, {@code block_q6_K { uint8_t ql[128];
 * uint8_t qh[64]; int8_t scales[16]; ggml_half d; }} (the scale comes last). The super-block is
 * 16 sub-blocks of 16; sub-block {@code j} decodes as {@code x = d * scales[j] * (q - 32)} with
 * 6-bit codes {@code q} and signed 8-bit sub-block scales. No minimum: the codes are symmetric.
 *
 * <p>Quantization is {@code quantize_row_q6_K_ref}: each sub-block gets a signed scale from
 * {@code make_qx_quants(16, nmax 32, rmse_type 1)} (weights {@code x^2},
 * {@link KQuants#makeQxQuants}); the scale of largest magnitude, {@code max_scale} with its sign,
 * sets {@code iscale = -128 / max_scale}, {@code d = 1/iscale} is stored as F16, each sub-block
 * scale becomes {@code min(127, nearest_int(iscale * scale))}, and the weights are re-coded
 * against {@code d16 * scales[j]}: {@code q = clamp(nearest_int(x / (d16*sc)), -32, 31) + 32}. A
 * super-block whose scales are all below {@code GROUP_MAX_EPS} is all zero bytes.
 *
 * <p>Packing, per half of 128 weights: {@code ql[l]} holds the low nibbles of weights {@code l}
 * (low) and {@code l+64} (high), {@code ql[l+32]} those of {@code l+32} and {@code l+96};
 * {@code qh[l]} holds the top two bits of {@code l, l+32, l+64, l+96} at bits 0, 2, 4, 6.
 * Dequantization is {@code dequantize_row_q6_K}.
 */
public final class Q6_KCodec implements WeightCodec {
    static final Q6_KCodec INSTANCE = new Q6_KCodec();
    public static final int BLOCK = 256;
    public static final int BLOCK_BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    private Q6_KCodec() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        checkRange(n, src, srcOff, dst, dstOff);
        byte[] L = new byte[BLOCK];
        float[] cubes = new float[16];
        float[] scales = new float[BLOCK / 16];
        byte[] block = new byte[BLOCK_BYTES];
        for (int b = 0; b < n / BLOCK; b++) {
            int x0 = srcOff + b * BLOCK;
            long out = dstOff + (long) b * BLOCK_BYTES;
            KQuants.requireFinite(src, x0, BLOCK, "Q6_K");
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < BLOCK / 16; ib++) {
                float scale = KQuants.makeQxQuants(16, 32, src, x0 + 16 * ib, L, 16 * ib, cubes);
                scales[ib] = scale;
                float abs = Math.abs(scale);
                if (abs > maxAbsScale) {
                    maxAbsScale = abs;
                    maxScale = scale;
                }
            }
            java.util.Arrays.fill(block, (byte) 0);
            if (maxAbsScale < KQuants.GROUP_MAX_EPS) {
                MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES); // d = +0 too
                continue;
            }
            float iscale = -128f / maxScale;
            short dHalf = F16Codec.toHalf(1 / iscale);
            for (int ib = 0; ib < BLOCK / 16; ib++) {
                block[SCALES + ib] = (byte) Math.min(127, KQuants.nearestInt(iscale * scales[ib]));
            }
            float dStored = F16Codec.fromHalf(dHalf);
            for (int j = 0; j < BLOCK / 16; j++) {
                float d = dStored * block[SCALES + j];
                if (d == 0) {
                    continue;
                }
                for (int i = 0; i < 16; i++) {
                    int l = KQuants.nearestInt(src[x0 + 16 * j + i] / d);
                    L[16 * j + i] = (byte) (Math.max(-32, Math.min(31, l)) + 32);
                }
            }
            for (int h = 0; h < 2; h++) {
                int j = 128 * h;
                int ql = 64 * h;
                int qh = QH + 32 * h;
                for (int l = 0; l < 32; l++) {
                    int q1 = L[j + l];
                    int q2 = L[j + l + 32];
                    int q3 = L[j + l + 64];
                    int q4 = L[j + l + 96];
                    block[ql + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                    block[ql + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                    block[qh + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
                }
            }
            block[D] = (byte) dHalf;
            block[D + 1] = (byte) (dHalf >> 8);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, out, BLOCK_BYTES);
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        checkRange(n, dst, dstOff, src, srcOff);
        byte[] block = new byte[BLOCK_BYTES];
        for (int b = 0; b < n / BLOCK; b++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOff + (long) b * BLOCK_BYTES, block, 0, BLOCK_BYTES);
            float d = F16Codec.fromHalf((short) ((block[D] & 0xFF) | (block[D + 1] << 8)));
            for (int h = 0; h < 2; h++) {
                int y = dstOff + b * BLOCK + 128 * h;
                int ql = 64 * h;
                int qh = QH + 32 * h;
                int sc = SCALES + 8 * h;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int lo0 = block[ql + l] & 0xFF;
                    int lo1 = block[ql + l + 32] & 0xFF;
                    int hi = block[qh + l] & 0xFF;
                    int q1 = ((lo0 & 0xF) | ((hi & 3) << 4)) - 32;
                    int q2 = ((lo1 & 0xF) | (((hi >> 2) & 3) << 4)) - 32;
                    int q3 = ((lo0 >> 4) | (((hi >> 4) & 3) << 4)) - 32;
                    int q4 = ((lo1 >> 4) | (((hi >> 6) & 3) << 4)) - 32;
                    dst[y + l] = d * block[sc + is] * q1;
                    dst[y + l + 32] = d * block[sc + is + 2] * q2;
                    dst[y + l + 64] = d * block[sc + is + 4] * q3;
                    dst[y + l + 96] = d * block[sc + is + 6] * q4;
                }
            }
        }
    }
}
