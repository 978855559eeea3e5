package dev.llmstream.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file mapped read-only into memory with the FFM API. Mapping goes through
 * {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)}, so files larger than 2 GiB work
 * and tensor data is never copied: {@link #tensorData} returns a slice of the mapping. The mapping
 * belongs to a shared arena (readable from any thread, e.g. the compute pool) and is released by
 * {@link #close()}; touching a slice after close fails with {@link IllegalStateException}.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final GgufReader.Header header;
    private final Map<String, GgufTensorInfo> tensorsByName;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufReader.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.header = header;
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = Collections.unmodifiableMap(byName);
    }

    /**
     * Maps and parses {@code path}. A malformed file gives a {@link GgufFormatException}; an
     * unreadable one an {@link IOException}.
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment mapping = size == 0
                    ? MemorySegment.ofArray(new byte[0])
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            GgufReader.Header header = GgufReader.parse(mapping);
            return new GgufFile(path, arena, mapping, header);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return header.version();
    }

    public GgufMetadata metadata() {
        return header.metadata();
    }

    /** Tensor infos in file order. */
    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    public int alignment() {
        return header.alignment();
    }

    /** Absolute byte offset of the (aligned) tensor data section. */
    public long dataOffset() {
        return header.dataOffset();
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    /** The whole mapping (header included). */
    public MemorySegment mapping() {
        return mapping;
    }

    /** Zero-copy view of one tensor's bytes. */
    public MemorySegment tensorData(GgufTensorInfo info) {
        return mapping.asSlice(header.dataOffset() + info.offset(), info.byteSize());
    }

    /** Zero-copy view of the named tensor's bytes; a missing tensor is a format error. */
    public MemorySegment tensorData(String name) {
        GgufTensorInfo info = tensorsByName.get(name);
        if (info == null) {
            throw new GgufFormatException(-1, name, "tensor is missing");
        }
        return tensorData(info);
    }

    @Override
    public void close() {
        arena.close();
    }
}
