package dev.llmstream.gguf.quant;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Converts float weights to one ggml tensor type and back: scalar reference code that follows
 * ggml's reference definitions (ggml/src/ggml-quants.c {@code quantize_row_*_ref} /
 * {@code dequantize_row_*}, ggml/src/ggml-impl.h for F16/BF16), so that bytes we write are the
 * bytes llama.cpp's own quantizer writes for the same floats.
 *
 * <p>Counts are in weights and must be whole blocks ({@link GgmlType#blockSize()}). Byte offsets
 * address a {@link MemorySegment}, so the same code reads a heap array or a mapped GGUF file.
 * Stateless and thread-safe.
 */
public sealed interface WeightCodec
        permits F32Codec, F16Codec, Bf16Codec, Q8_0Codec, Q4_0Codec, Q5_0Codec, Q5_1Codec, Q4_KCodec, Q5_KCodec,
                Q6_KCodec {

    GgmlType type();

    /** Encodes {@code n} weights of {@code src} starting at {@code srcOff} into {@code dst} at {@code dstOff}. */
    void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff);

    /** Decodes {@code n} weights stored at {@code srcOff} of {@code src} into {@code dst} at {@code dstOff}. */
    void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n);

    /** Encodes all of {@code src} into a new array of {@code type().byteSize(src.length)} bytes. */
    default byte[] quantize(float[] src) {
        byte[] out = new byte[Math.toIntExact(byteSize(src.length))];
        quantize(src, 0, src.length, MemorySegment.ofArray(out), 0);
        return out;
    }

    /** Decodes {@code n} weights from the start of {@code src}. */
    default float[] dequantize(MemorySegment src, int n) {
        float[] out = new float[n];
        dequantize(src, 0, out, 0, n);
        return out;
    }

    /** Bytes taken by {@code n} weights; {@code n} must be whole blocks. */
    default long byteSize(long n) {
        long size = type().byteSize(n);
        if (size < 0) {
            throw new IllegalArgumentException(n + " weights are not a whole number of " + type()
                    + " blocks of " + type().blockSize());
        }
        return size;
    }

    /** The codec of {@code type}; the supported types are F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K. */
    static WeightCodec of(GgmlType type) {
        Objects.requireNonNull(type, "type");
        return switch (type) {
            case F32 -> F32Codec.INSTANCE;
            case F16 -> F16Codec.INSTANCE;
            case BF16 -> Bf16Codec.INSTANCE;
            case Q8_0 -> Q8_0Codec.INSTANCE;
            case Q4_0 -> Q4_0Codec.INSTANCE;
            case Q5_0 -> Q5_0Codec.INSTANCE;
            case Q5_1 -> Q5_1Codec.INSTANCE;
            case Q4_K -> Q4_KCodec.INSTANCE;
            case Q5_K -> Q5_KCodec.INSTANCE;
            case Q6_K -> Q6_KCodec.INSTANCE;
            default -> throw new IllegalArgumentException(
                    "no codec for " + type + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K)");
        };
    }

    /**
     * Checks, before any work, that {@code n} weights are whole blocks and that both the float
     * range and the byte range exist; a bad call is an {@link IllegalArgumentException} saying which.
     */
    default void checkRange(int n, float[] floats, int floatOff, MemorySegment bytes, long byteOff) {
        if (n < 0 || n % type().blockSize() != 0) {
            throw new IllegalArgumentException(n + " weights are not a whole number of " + type()
                    + " blocks of " + type().blockSize());
        }
        if (floatOff < 0 || floatOff > floats.length - n) {
            throw new IllegalArgumentException(type() + ": float range [" + floatOff + ", " + floatOff + " + " + n
                    + ") is outside an array of " + floats.length);
        }
        long size = type().byteSize(n);
        if (byteOff < 0 || byteOff > bytes.byteSize() - size) {
            throw new IllegalArgumentException(type() + ": byte range [" + byteOff + ", " + byteOff + " + " + size
                    + ") is outside a segment of " + bytes.byteSize() + " bytes");
        }
    }
}
