package dev.llmstream.model;

import dev.llmstream.gguf.TensorSource;
import dev.llmstream.gguf.quant.WeightCodec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Produces the bytes of a planned tensor: float values drawn per row from
 * {@link SeedStream#rowSeed}(tensor seed, row), then encoded with the tensor's {@link WeightCodec}.
 *
 * <p>Because every row has its own stream, the float "master" of a tensor is the same whatever
 * the storage type, the chunking or the thread that computes it: a Q4_0 and a Q8_0 file of one
 * seed hold one model at two precisions, and files are byte-identical run to run. Chunks of about
 * {@value #TARGET_CHUNK_ELEMENTS} values (whole rows) let the writer spread a tensor over cores.
 */
final class WeightGenerator {
    static final int TARGET_CHUNK_ELEMENTS = 1 << 20;

    private WeightGenerator() {}

    /** The tensor's data as a chunked, thread-safe source. */
    static TensorSource source(PlannedTensor t, long seed) {
        Objects.requireNonNull(t, "tensor");
        WeightCodec codec = WeightCodec.of(t.type());
        long tensorSeed = SeedStream.tensorSeed(seed, t.name());
        int rowLength = t.rowLength();
        long rows = t.rows();
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, TARGET_CHUNK_ELEMENTS / Math.max(1, rowLength)));
        int chunks = rows == 0 || rowLength == 0 ? 0 : Math.toIntExact(Math.ceilDiv(rows, rowsPerChunk));
        return new TensorSource() {
            @Override
            public int chunkCount() {
                return chunks;
            }

            @Override
            public ByteBuffer chunk(int index) {
                Objects.checkIndex(index, chunks);
                long first = (long) index * rowsPerChunk;
                int n = (int) Math.min(rowsPerChunk, rows - first);
                float[] values = rows(t, tensorSeed, first, n);
                byte[] out = new byte[Math.toIntExact(codec.byteSize(values.length))];
                codec.quantize(values, 0, values.length, MemorySegment.ofArray(out), 0);
                return ByteBuffer.wrap(out);
            }
        };
    }

    /** The float master of rows {@code [first, first + n)} of {@code t} for model seed {@code seed}. */
    static float[] masterRows(PlannedTensor t, long seed, long first, int n) {
        return rows(t, SeedStream.tensorSeed(seed, t.name()), first, n);
    }

    private static float[] rows(PlannedTensor t, long tensorSeed, long first, int n) {
        int rowLength = t.rowLength();
        float[] out = new float[Math.multiplyExact(n, rowLength)];
        switch (t.init()) {
            case WeightInit.Fixed f -> {
                if (first != 0 || n != 1 || f.values().length != rowLength) {
                    throw new IllegalStateException(t.name() + ": fixed values must fill exactly one row of "
                            + rowLength);
                }
                System.arraycopy(f.values(), 0, out, 0, rowLength);
            }
            case WeightInit.Gaussian g -> {
                for (int r = 0; r < n; r++) {
                    SeedStream rnd = new SeedStream(SeedStream.rowSeed(tensorSeed, first + r));
                    int base = r * rowLength;
                    for (int j = 0; j < rowLength; j++) {
                        out[base + j] = (float) (g.mean() + g.std() * rnd.nextGaussian());
                    }
                }
            }
        }
        return out;
    }
}
