package dev.llmstream.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.testing.SharedAssets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {
    @TempDir
    Path tmp;

    /** One entry of every scalar type, every array element type, and arrays nested three deep. */
    static Map<String, GgufValue> everyValueType() {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("t.u8", new GgufValue(GgufValueType.UINT8, 255));
        md.put("t.i8", new GgufValue(GgufValueType.INT8, -128));
        md.put("t.u16", new GgufValue(GgufValueType.UINT16, 65535));
        md.put("t.i16", new GgufValue(GgufValueType.INT16, -32768));
        md.put("t.u32", GgufValue.ofUint32(0xFFFF_FFFFL));
        md.put("t.i32", GgufValue.ofInt32(Integer.MIN_VALUE));
        md.put("t.f32", GgufValue.ofFloat32(-1.5e-7f));
        md.put("t.bool", GgufValue.ofBool(true));
        md.put("t.string", GgufValue.ofString("héllo ▁wörld \u0000 \uD83D\uDE00"));
        md.put("t.u64", new GgufValue(GgufValueType.UINT64, -1L));
        md.put("t.i64", new GgufValue(GgufValueType.INT64, Long.MIN_VALUE));
        md.put("t.f64", new GgufValue(GgufValueType.FLOAT64, Math.PI));
        md.put("a.u8", arr(GgufValueType.UINT8, new byte[] {0, 1, (byte) 255}));
        md.put("a.i8", arr(GgufValueType.INT8, new byte[] {-1, 127}));
        md.put("a.u16", arr(GgufValueType.UINT16, new short[] {1, (short) 0xFFFF}));
        md.put("a.i16", arr(GgufValueType.INT16, new short[] {-2, 3}));
        md.put("a.u32", arr(GgufValueType.UINT32, new int[] {-1, 7}));
        md.put("a.i32", arr(GgufValueType.INT32, new int[] {Integer.MAX_VALUE, -5}));
        md.put("a.u64", arr(GgufValueType.UINT64, new long[] {-1L, 9}));
        md.put("a.i64", arr(GgufValueType.INT64, new long[] {Long.MAX_VALUE}));
        md.put("a.f32", arr(GgufValueType.FLOAT32, new float[] {1f, Float.NaN, Float.NEGATIVE_INFINITY, -0f}));
        md.put("a.f64", arr(GgufValueType.FLOAT64, new double[] {2.5, -0.0}));
        md.put("a.bool", arr(GgufValueType.BOOL, new boolean[] {true, false, true}));
        md.put("a.string", arr(GgufValueType.STRING, new String[] {"", "<0x0A>", "▁the"}));
        md.put("a.empty", arr(GgufValueType.INT32, new int[0]));
        GgufArray inner = GgufArray.ofInts(1, 2, 3);
        GgufArray middle = new GgufArray(GgufValueType.ARRAY, new GgufArray[] {inner, GgufArray.ofStrings("x")});
        md.put("a.nested", arr(GgufValueType.ARRAY, new GgufArray[] {middle, new GgufArray(GgufValueType.ARRAY,
                new GgufArray[0])}));
        return md;
    }

    private static GgufValue arr(GgufValueType t, Object data) {
        return GgufValue.ofArray(new GgufArray(t, data));
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void everyValueTypeAndNestedArraysRoundTrip() throws IOException {
        Map<String, GgufValue> md = everyValueType();
        GgufWriter w = new GgufWriter().putAll(md);
        w.addTensor("a", new long[] {3}, GgmlType.F32, TensorSource.of(bytes(12, 1)));
        w.addTensor("b", new long[] {64, 2}, GgmlType.Q8_0, TensorSource.of(bytes(2 * 2 * 34, 2)));
        w.addTensor("c", new long[] {5, 1, 1, 2}, GgmlType.F16, TensorSource.of(bytes(20, 3)));
        Path p = tmp.resolve("all.gguf");
        long size = w.write(p);
        assertThat(size).isEqualTo(Files.size(p)).isEqualTo(w.layout().fileSize());

        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.metadata().asMap()).containsExactlyEntriesOf(md);
            assertThat(f.tensors()).extracting(GgufTensorInfo::name).containsExactly("a", "b", "c");
            assertThat(f.tensors()).isEqualTo(w.layout().tensors());
            assertThat(f.tensor("c").orElseThrow().shape()).containsExactly(5, 1, 1, 2);
            // offsets: consecutive, each padded to 32, as gguf.cpp requires
            assertThat(f.tensors()).extracting(GgufTensorInfo::offset).containsExactly(0L, 32L, 32L + 160);
            assertThat(f.tensorData("a").toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(bytes(12, 1));
            assertThat(f.tensorData("b").toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(bytes(136, 2));
            assertThat(f.tensorData("c").toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(bytes(20, 3));
            assertThat(f.dataOffset() % 32).isZero();
            // the last tensor is padded too (ggml's writer does the same)
            assertThat(f.fileSize()).isEqualTo(f.dataOffset() + 32 + 160 + 32);
        }
    }

    @Test
    void copyOfRealFileIsByteIdentical() throws IOException {
        for (String model : List.of("stories260K.gguf", "random/rand-llama-phi3vocab-20M-Q4_0.gguf",
                "random/llama-2-tiny-random.gguf")) {
            Path src = SharedAssets.model(model);
            Path dst = tmp.resolve(src.getFileName());
            try (GgufFile f = GgufFile.open(src)) {
                GgufWriter.copyOf(f).parallelism(2).write(dst);
            }
            assertThat(Files.readAllBytes(dst)).as(model).isEqualTo(Files.readAllBytes(src));
        }
    }

    @Test
    void customAlignmentIsStoredAsUint32AndHonoured() throws IOException {
        GgufWriter w = new GgufWriter(256).put("x", GgufValue.ofString("y"));
        w.addTensor("t0", new long[] {7}, GgmlType.I8, TensorSource.of(bytes(7, 0)));
        w.addTensor("t1", new long[] {32}, GgmlType.Q4_0, TensorSource.of(bytes(18, 5)));
        Path p = tmp.resolve("a256.gguf");
        w.write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.alignment()).isEqualTo(256);
            assertThat(f.metadata().get("general.alignment")).contains(GgufValue.ofUint32(256));
            assertThat(f.metadata().keys()).containsExactly("general.alignment", "x");
            assertThat(f.dataOffset() % 256).isZero();
            assertThat(f.tensor("t1").orElseThrow().offset()).isEqualTo(256);
            assertThat(f.fileSize()).isEqualTo(f.dataOffset() + 512);
        }
    }

    @Test
    void parallelAndSerialWritesAreIdenticalAndChunksArriveInOrder() throws IOException {
        TensorSource slowFirst = new TensorSource() {
            @Override
            public int chunkCount() {
                return 8;
            }

            @Override
            public ByteBuffer chunk(int index) {
                if (index == 0) {
                    try {
                        Thread.sleep(50); // finishes last: the writer must still put it first
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return ByteBuffer.wrap(bytes(100, index));
            }
        };
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        ByteArrayOutputStream parallel = new ByteArrayOutputStream();
        GgufWriter w = new GgufWriter().addTensor("t", new long[] {200, 2}, GgmlType.I16, slowFirst);
        w.parallelism(1).write(Channels.newChannel(serial), n -> {});
        w.parallelism(4).write(Channels.newChannel(parallel), n -> {});
        assertThat(parallel.toByteArray()).isEqualTo(serial.toByteArray());
        byte[] file = serial.toByteArray();
        int data = (int) w.layout().dataOffset();
        for (int c = 0; c < 8; c++) {
            assertThat(java.util.Arrays.copyOfRange(file, data + 100 * c, data + 100 * c + 100)).isEqualTo(bytes(100, c));
        }
    }

    @Test
    void progressReportsEveryByte() throws IOException {
        GgufWriter w = new GgufWriter().put("k", GgufValue.ofBool(false))
                .addTensor("t", new long[] {10}, GgmlType.F32, TensorSource.of(bytes(40, 0)));
        long[] sum = new long[1];
        long size = w.write(Channels.newChannel(new ByteArrayOutputStream()), n -> sum[0] += n);
        assertThat(sum[0]).isEqualTo(size).isEqualTo(w.layout().fileSize());
    }

    @Test
    void sourceOfWrongSizeIsAClearErrorAndLeavesNoFile() {
        GgufWriter w = new GgufWriter().addTensor("short", new long[] {10}, GgmlType.F32,
                TensorSource.of(bytes(36, 0)));
        Path p = tmp.resolve("bad.gguf");
        assertThatThrownBy(() -> w.write(p)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'short' produced 36 bytes").hasMessageContaining("needs 40");
        assertThat(p).doesNotExist();
        GgufWriter w2 = new GgufWriter().addTensor("long", new long[] {10}, GgmlType.F32,
                TensorSource.of(bytes(44, 0)));
        assertThatThrownBy(() -> w2.write(Channels.newChannel(new ByteArrayOutputStream()), n -> {}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'long' produced more");
    }

    @Test
    void failingSourceSurfacesItsException() {
        TensorSource broken = new TensorSource() {
            @Override
            public int chunkCount() {
                return 3;
            }

            @Override
            public ByteBuffer chunk(int index) {
                throw new IllegalArgumentException("boom " + index);
            }
        };
        GgufWriter w = new GgufWriter().parallelism(2).addTensor("t", new long[] {3}, GgmlType.I8, broken);
        assertThatThrownBy(() -> w.write(Channels.newChannel(new ByteArrayOutputStream()), n -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("boom");
    }

    @Test
    void rejectsWhatCouldNotBeReadBack() {
        GgufWriter w = new GgufWriter();
        TensorSource none = TensorSource.of(new byte[0]);
        assertThatThrownBy(() -> w.addTensor("q", new long[] {31}, GgmlType.Q8_0, none))
                .hasMessageContaining("not a multiple of the Q8_0 block size 32");
        assertThatThrownBy(() -> w.addTensor("x".repeat(64), new long[] {1}, GgmlType.F32, none))
                .hasMessageContaining("1..63 UTF-8 bytes");
        assertThatThrownBy(() -> w.addTensor("d", new long[] {1, 1, 1, 1, 1}, GgmlType.F32, none))
                .hasMessageContaining("1..4 dimensions");
        assertThatThrownBy(() -> w.addTensor("n", new long[] {-1}, GgmlType.F32, none))
                .hasMessageContaining("negative dimension");
        w.addTensor("dup", new long[] {0}, GgmlType.F32, none);
        assertThatThrownBy(() -> w.addTensor("dup", new long[] {0}, GgmlType.F32, none))
                .hasMessageContaining("duplicate tensor name 'dup'");
        assertThatThrownBy(() -> w.put("general.alignment", GgufValue.ofInt32(32)))
                .hasMessageContaining("must be the UINT32 32");
        assertThatThrownBy(() -> new GgufWriter(48)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new GgufWriter().put("u8", new GgufValue(GgufValueType.UINT8, 256)).layout())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'u8'").hasMessageContaining("256");
        GgufArray deep = GgufArray.ofInts(1);
        for (int i = 0; i < 8; i++) {
            deep = new GgufArray(GgufValueType.ARRAY, new GgufArray[] {deep});
        }
        GgufValue tooDeep = GgufValue.ofArray(deep);
        assertThatThrownBy(() -> new GgufWriter().put("deep", tooDeep).layout())
                .hasMessageContaining("nested deeper than 8");
        GgufValue nullString = GgufValue.ofArray(new GgufArray(GgufValueType.STRING, new String[] {"a", null}));
        assertThatThrownBy(() -> new GgufWriter().put("s", nullString).layout())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null string");
    }

    @Test
    void emptyFileWithoutTensorsIsValid() throws IOException {
        Path p = tmp.resolve("empty.gguf");
        new GgufWriter().write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.tensors()).isEmpty();
            assertThat(f.metadata().size()).isZero();
            assertThat(f.fileSize()).isEqualTo(32); // 24-byte header padded to 32
        }
    }

    @Test
    void segmentSourceServesLargeTensorsInChunks() {
        byte[] big = bytes(TensorSource.DEFAULT_CHUNK_BYTES + 10, 9);
        TensorSource s = TensorSource.of(MemorySegment.ofArray(big));
        assertThat(s.chunkCount()).isEqualTo(2);
        assertThat(s.chunk(1).remaining()).isEqualTo(10);
        assertThat(s.chunk(1).get()).isEqualTo(big[TensorSource.DEFAULT_CHUNK_BYTES]);
        assertThatThrownBy(() -> s.chunk(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
