package dev.llmstream.gguf;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Writes GGUF version 3 files that llama.cpp loads, with the layout of ggml's own writer
 * ({@code gguf_write_out} in ggml/src/gguf.cpp):
 *
 * <pre>
 *   "GGUF" | u32 3 | u64 n_tensors | u64 n_kv | key/values | tensor infos
 *   zero padding to the alignment
 *   tensor 0 bytes | zero padding | tensor 1 bytes | zero padding | ...   (every tensor padded, the last too)
 * </pre>
 *
 * Tensor offsets are relative to the data section, in insertion order, each a multiple of the
 * alignment -- gguf.cpp rejects any other offsets. The alignment (default 32) is stored as
 * {@code general.alignment} (UINT32, the only type gguf.cpp accepts) when it is not the default.
 *
 * <p>Metadata is kept in insertion order and encoded exactly as typed ({@link GgufValue}), so
 * reading a file and writing it back with {@link #copyOf} reproduces it. Nested arrays are written
 * (our reader reads them) although llama.cpp itself rejects them.
 *
 * <p>Tensor data is streamed: each tensor is a {@link TensorSource} whose chunks are computed on
 * {@link #parallelism(int)} worker threads, a bounded window ahead of the single thread that
 * writes them in order, so a multi-GB model needs only a few chunks of heap.
 */
public final class GgufWriter {
    public static final int VERSION = 3;
    /** ggml's {@code GGML_MAX_NAME}: gguf.cpp refuses tensor names of 64 bytes or more. */
    public static final int MAX_TENSOR_NAME_BYTES = 63;
    private static final String ALIGNMENT_KEY = "general.alignment";

    private final int alignment;
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Entry> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private int parallelism = Runtime.getRuntime().availableProcessors();

    private record Entry(String name, long[] shape, GgmlType type, long byteSize, TensorSource source) {}

    /**
     * Where everything will land: the header size before padding, the absolute start of the data
     * section, the tensor infos with their relative offsets, and the total file size.
     */
    public record Layout(int alignment, long headerSize, long dataOffset, List<GgufTensorInfo> tensors,
                         long fileSize) {}

    public GgufWriter() {
        this(GgufReader.DEFAULT_ALIGNMENT);
    }

    public GgufWriter(int alignment) {
        if (alignment <= 0 || alignment > (1 << 20) || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two up to 1 MiB, is " + alignment);
        }
        this.alignment = alignment;
    }

    /** A writer holding {@code file}'s metadata and tensors (read from its mapping, which must stay open). */
    public static GgufWriter copyOf(GgufFile file) {
        GgufWriter w = new GgufWriter(file.alignment());
        w.putAll(file.metadata().asMap());
        for (GgufTensorInfo t : file.tensors()) {
            w.addTensor(t.name(), t.shape(), t.type(), TensorSource.of(file.tensorData(t)));
        }
        return w;
    }

    public int alignment() {
        return alignment;
    }

    /** Adds or replaces a metadata entry (a replaced key keeps its original position). */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value of " + key);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("metadata key must not be empty");
        }
        if (key.equals(ALIGNMENT_KEY)
                && (value.type() != GgufValueType.UINT32 || value.asLong() != alignment)) {
            throw new IllegalArgumentException(ALIGNMENT_KEY + " must be the UINT32 " + alignment
                    + " this writer aligns to, got " + value.type() + " " + value.value());
        }
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putAll(Map<String, GgufValue> entries) {
        entries.forEach(this::put);
        return this;
    }

    /** The metadata as it will be written (without an implicit {@code general.alignment}). */
    public Map<String, GgufValue> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /**
     * Adds a tensor. {@code shape} is in ggml order ({@code shape[0]} = innermost, a multiple of the
     * type's block size); 1 to 4 dimensions; names unique and shorter than 64 UTF-8 bytes.
     */
    public GgufWriter addTensor(String name, long[] shape, GgmlType type, TensorSource data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape of " + name);
        Objects.requireNonNull(type, "type of " + name);
        Objects.requireNonNull(data, "data of " + name);
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes == 0 || nameBytes > MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' must be 1.." + MAX_TENSOR_NAME_BYTES
                    + " UTF-8 bytes, is " + nameBytes);
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        if (shape.length < 1 || shape.length > GgufReader.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' must have 1.." + GgufReader.MAX_DIMS
                    + " dimensions, has " + shape.length);
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + shape[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        tensors.add(new Entry(name, shape.clone(), type, type.byteSize(n), data));
        return this;
    }

    /** Worker threads computing tensor chunks (default: available processors). */
    public GgufWriter parallelism(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, is " + threads);
        }
        this.parallelism = threads;
        return this;
    }

    /** Computes offsets and sizes without producing any tensor data. */
    public Layout layout() {
        return layoutAndHeader(false).layout;
    }

    private record Planned(Layout layout, byte[] header) {}

    private Planned layoutAndHeader(boolean encode) {
        List<GgufTensorInfo> infos = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Entry e : tensors) {
            infos.add(new GgufTensorInfo(e.name, e.shape, e.type, offset));
            offset = Math.addExact(offset, GgufReader.alignUp(e.byteSize, alignment));
        }
        Map<String, GgufValue> kv = effectiveMetadata();
        GgufEncoder enc = new GgufEncoder();
        enc.u32(GgufReader.MAGIC);
        enc.u32(VERSION);
        enc.u64(infos.size());
        enc.u64(kv.size());
        kv.forEach(enc::keyValue);
        infos.forEach(enc::tensorInfo);
        long headerSize = enc.size();
        enc.padTo(alignment);
        long dataOffset = enc.size();
        Layout layout = new Layout(alignment, headerSize, dataOffset, List.copyOf(infos), dataOffset + offset);
        return new Planned(layout, encode ? enc.toByteArray() : null);
    }

    private Map<String, GgufValue> effectiveMetadata() {
        if (alignment == GgufReader.DEFAULT_ALIGNMENT || metadata.containsKey(ALIGNMENT_KEY)) {
            return metadata;
        }
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put(ALIGNMENT_KEY, GgufValue.ofUint32(alignment));
        kv.putAll(metadata);
        return kv;
    }

    /** Writes the file (replacing it); a partly written file is deleted on failure. Returns its size. */
    public long write(Path path) throws IOException {
        return write(path, bytes -> {});
    }

    /** As {@link #write(Path)}, reporting each number of bytes written to {@code progress}. */
    public long write(Path path, LongConsumer progress) throws IOException {
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long n = write(ch, progress);
            ok = true;
            return n;
        } finally {
            if (!ok) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Writes the whole file to {@code out} and returns the number of bytes written. */
    public long write(WritableByteChannel out, LongConsumer progress) throws IOException {
        Objects.requireNonNull(progress, "progress");
        Planned planned = layoutAndHeader(true);
        long written = writeFully(out, ByteBuffer.wrap(planned.header), progress);
        ExecutorService pool = parallelism > 1 ? Executors.newFixedThreadPool(parallelism, workerThreads()) : null;
        try {
            written += writeTensorData(out, pool, progress);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        if (written != planned.layout.fileSize()) {
            throw new IllegalStateException("wrote " + written + " bytes, layout says " + planned.layout.fileSize());
        }
        return written;
    }

    /** A chunk being computed, or (data == null) the end of tensor {@code tensor}. */
    private record Pending(Future<ByteBuffer> data, int tensor) {}

    private long writeTensorData(WritableByteChannel out, ExecutorService pool, LongConsumer progress)
            throws IOException {
        ArrayDeque<Pending> queue = new ArrayDeque<>();
        int window = 2 * parallelism + 1;
        int inFlight = 0;
        long[] produced = new long[tensors.size()];
        long written = 0;
        try {
            for (int t = 0; t < tensors.size(); t++) {
                TensorSource src = tensors.get(t).source;
                int chunks = src.chunkCount();
                for (int c = 0; c < chunks; c++) {
                    final int index = c;
                    Future<ByteBuffer> f = pool == null
                            ? CompletableFuture.completedFuture(src.chunk(index))
                            : pool.submit(() -> src.chunk(index));
                    queue.add(new Pending(f, t));
                    inFlight++;
                    while (inFlight >= window) {
                        Pending p = queue.poll();
                        written += drain(p, out, produced, progress);
                        if (p.data != null) {
                            inFlight--;
                        }
                    }
                }
                queue.add(new Pending(null, t));
            }
            while (!queue.isEmpty()) {
                written += drain(queue.poll(), out, produced, progress);
            }
            return written;
        } finally {
            for (Pending p : queue) {
                if (p.data != null) {
                    p.data.cancel(true);
                }
            }
        }
    }

    private long drain(Pending p, WritableByteChannel out, long[] produced, LongConsumer progress)
            throws IOException {
        Entry e = tensors.get(p.tensor);
        if (p.data == null) {
            if (produced[p.tensor] != e.byteSize) {
                throw new IllegalStateException("tensor '" + e.name + "' produced " + produced[p.tensor]
                        + " bytes, its " + e.type + " shape needs " + e.byteSize);
            }
            int pad = (int) (GgufReader.alignUp(e.byteSize, alignment) - e.byteSize);
            return pad == 0 ? 0 : writeFully(out, ByteBuffer.allocate(pad), progress);
        }
        ByteBuffer chunk = await(p.data, e.name);
        if (chunk == null) {
            throw new IllegalStateException("tensor '" + e.name + "': source returned a null chunk");
        }
        produced[p.tensor] += chunk.remaining();
        if (produced[p.tensor] > e.byteSize) {
            throw new IllegalStateException("tensor '" + e.name + "' produced more than the "
                    + e.byteSize + " bytes its " + e.type + " shape needs");
        }
        return writeFully(out, chunk, progress);
    }

    private static ByteBuffer await(Future<ByteBuffer> f, String tensor) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while producing tensor '" + tensor + "'");
        } catch (ExecutionException ee) {
            Throwable cause = ee.getCause();
            switch (cause) {
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                case IOException io -> throw io;
                default -> throw new UncheckedIOException(new IOException("tensor '" + tensor + "'", cause));
            }
        }
    }

    private static long writeFully(WritableByteChannel out, ByteBuffer buf, LongConsumer progress)
            throws IOException {
        int n = buf.remaining();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        progress.accept(n);
        return n;
    }

    private static ThreadFactory workerThreads() {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "gguf-writer-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
