package dev.llmstream.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The bytes of one tensor as {@link GgufWriter} will store them, produced lazily in chunks.
 *
 * <p>A tensor's data is the concatenation of {@code chunk(0) .. chunk(chunkCount() - 1)} and must
 * be exactly {@code type.byteSize(nElements)} bytes long (the writer checks). Chunks exist so that
 * a large tensor never has to sit in the heap whole and so that the writer can compute several
 * chunks at once on worker threads: {@link #chunk} may be called concurrently and in any order, and
 * must return the same bytes every time it is called with the same index (that is what makes
 * generated files reproducible whatever the thread count).
 */
public interface TensorSource {

    /** Number of chunks (0 only for an empty tensor). */
    int chunkCount();

    /**
     * Bytes of chunk {@code index}, from the buffer's position to its limit. Called from worker
     * threads; the returned buffer is not reused by the writer after it has been written.
     */
    ByteBuffer chunk(int index);

    /** Chunk size used by the ready-made sources below. */
    int DEFAULT_CHUNK_BYTES = 4 << 20;

    /** The bytes of an array (not copied: do not modify it while the writer runs). */
    static TensorSource of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return of(MemorySegment.ofArray(bytes));
    }

    /**
     * The bytes of a segment, e.g. a tensor of an open {@link GgufFile} (which must stay open until
     * the writer is done). Served in {@link #DEFAULT_CHUNK_BYTES} slices.
     */
    static TensorSource of(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        long size = segment.byteSize();
        int chunks = (int) Math.ceilDiv(size, DEFAULT_CHUNK_BYTES);
        return new TensorSource() {
            @Override
            public int chunkCount() {
                return chunks;
            }

            @Override
            public ByteBuffer chunk(int index) {
                Objects.checkIndex(index, chunks);
                long from = (long) index * DEFAULT_CHUNK_BYTES;
                long len = Math.min(DEFAULT_CHUNK_BYTES, size - from);
                ByteBuffer out = ByteBuffer.allocate((int) len);
                MemorySegment.ofBuffer(out).copyFrom(segment.asSlice(from, len));
                return out;
            }
        };
    }
}
