package dev.llmstream.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little-endian reads over a (possibly > 2 GiB) segment. Every read names the field
 * it is reading so a short or hostile file fails with a {@link GgufFormatException} that says where,
 * never with an IndexOutOfBounds from deep inside the JDK.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt U32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final long size;
    private long position;

    GgufCursor(MemorySegment segment) {
        this.segment = segment;
        this.size = segment.byteSize();
    }

    long position() {
        return position;
    }

    long remaining() {
        return size - position;
    }

    long size() {
        return size;
    }

    void seek(long newPosition, String field) {
        if (newPosition < 0 || newPosition > size) {
            throw new GgufFormatException(position, field,
                    "position " + newPosition + " is outside the file (" + size + " bytes)");
        }
        position = newPosition;
    }

    private void need(long n, String field) {
        if (n < 0 || n > size - position) {
            throw new GgufFormatException(position, field,
                    "truncated: needs " + n + " bytes but only " + (size - position) + " remain");
        }
    }

    byte i8(String field) {
        need(1, field);
        return segment.get(ValueLayout.JAVA_BYTE, position++);
    }

    short i16(String field) {
        need(2, field);
        short v = segment.get(U16, position);
        position += 2;
        return v;
    }

    int i32(String field) {
        need(4, field);
        int v = segment.get(U32, position);
        position += 4;
        return v;
    }

    long u32(String field) {
        return i32(field) & 0xFFFF_FFFFL;
    }

    long i64(String field) {
        need(8, field);
        long v = segment.get(U64, position);
        position += 8;
        return v;
    }

    /**
     * A u64 count or length that must be usable as a size: at most {@code limit} and such that
     * {@code count * minBytesEach} still fits in what remains of the file.
     */
    long count(String field, long minBytesEach, long limit) {
        long at = position;
        long n = i64(field);
        if (n < 0 || n > limit) {
            throw new GgufFormatException(at, field, "absurd count " + Long.toUnsignedString(n)
                    + " (limit " + limit + ")");
        }
        if (minBytesEach > 0 && n > remaining() / minBytesEach) {
            throw new GgufFormatException(at, field, "count " + n + " of items of at least "
                    + minBytesEach + " bytes each cannot fit in the " + remaining() + " bytes that remain");
        }
        return n;
    }

    byte[] bytes(long n, String field) {
        need(n, field);
        byte[] out = new byte[(int) n];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, position, out, 0, (int) n);
        position += n;
        return out;
    }

    /** A GGUF string: u64 byte length + UTF-8 bytes (malformed UTF-8 is replaced, not rejected). */
    String string(String field, long maxLength) {
        long len = count(field + ".length", 1, maxLength);
        return new String(bytes(len, field), StandardCharsets.UTF_8);
    }
}
