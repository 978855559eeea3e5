package dev.llmstream.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GgufReaderTest {

    @Test
    void readsStories260kHeaderAndTensors() throws IOException {
        try (GgufFile f = GgufFile.open(SharedAssets.model("stories260K.gguf"))) {
            GgufMetadata md = f.metadata();
            assertThat(f.version()).isEqualTo(3);
            assertThat(md.architecture()).contains("llama");
            assertThat(md.requireLong("llama.block_count")).isEqualTo(5);
            assertThat(md.requireLong("llama.embedding_length")).isEqualTo(64);
            assertThat(md.requireLong("llama.attention.head_count")).isEqualTo(8);
            assertThat(md.requireLong("llama.attention.head_count_kv")).isEqualTo(4);
            assertThat(md.requireArray("tokenizer.ggml.tokens").length()).isEqualTo(512);
            assertThat(md.requireArray("tokenizer.ggml.scores").elementType()).isEqualTo(GgufValueType.FLOAT32);
            assertThat(md.requireString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(f.tensors()).hasSize(48).allMatch(t -> t.type() == GgmlType.F32);
            long params = f.tensors().stream().mapToLong(GgufTensorInfo::nElements).sum();
            assertThat(params).isEqualTo(292_800);
            GgufTensorInfo emb = f.tensor("token_embd.weight").orElseThrow();
            assertThat(emb.shape()).containsExactly(64, 512);
            MemorySegment data = f.tensorData(emb);
            assertThat(data.byteSize()).isEqualTo(64L * 512 * 4);
            // every tensor's bytes lie in the file, aligned
            for (GgufTensorInfo t : f.tensors()) {
                assertThat((f.dataOffset() + t.offset()) % f.alignment()).isZero();
                assertThat(f.dataOffset() + t.offset() + t.byteSize()).isLessThanOrEqualTo(f.fileSize());
            }
        }
    }

    @Test
    void tensorTypeCountsOfSharedModels() throws IOException {
        assertThat(typeCounts("random/rand-llama-phi3vocab-20M-Q4_K_M.gguf"))
                .isEqualTo(Map.of(GgmlType.Q4_K, 25, GgmlType.Q6_K, 5, GgmlType.F32, 9));
        assertThat(typeCounts("random/rand-llama-phi3vocab-20M-Q4_0.gguf"))
                .isEqualTo(Map.of(GgmlType.Q4_0, 29, GgmlType.Q6_K, 1, GgmlType.F32, 9));
        assertThat(typeCounts("random/rand-llama-phi3vocab-20M-Q8_0.gguf"))
                .isEqualTo(Map.of(GgmlType.Q8_0, 30, GgmlType.F32, 9));
        assertThat(typeCounts("random/llama-2-tiny-random.gguf"))
                .isEqualTo(Map.of(GgmlType.F16, 9, GgmlType.F32, 3));
    }

    @Test
    void vocabOnlyFileHasNoTensorsButFullMetadata() throws IOException {
        try (GgufFile f = GgufFile.open(SharedAssets.model("vocab/constructed/qwen3-vocab.gguf"))) {
            assertThat(f.tensors()).isEmpty();
            assertThat(f.metadata().requireArray("tokenizer.ggml.tokens").length()).isEqualTo(151_936);
            assertThat(f.metadata().requireString("tokenizer.ggml.pre")).isEqualTo("qwen2");
            assertThat(f.metadata().getString("tokenizer.chat_template")).isPresent();
        }
    }

    @Test
    void toleratesBadSpecialIdsAsPlainValues() throws IOException {
        try (GgufFile f = GgufFile.open(SharedAssets.model("stories260K.gguf"))) {
            // stories260K carries seperator/padding ids of 0xFFFFFFFF: readable, interpretation is the tokenizer's job
            assertThat(f.metadata().getLong("tokenizer.ggml.padding_token_id")).hasValue(0xFFFF_FFFFL);
        }
    }

    private static Map<GgmlType, Integer> typeCounts(String model) throws IOException {
        Map<GgmlType, Integer> counts = new TreeMap<>();
        try (GgufFile f = GgufFile.open(SharedAssets.model(model))) {
            for (GgufTensorInfo t : f.tensors()) {
                counts.merge(t.type(), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void rejectsBadMagic() {
        byte[] b = header(0x12345678, 3, 0, 0);
        assertThatThrownBy(() -> GgufReader.parse(MemorySegment.ofArray(b)))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("magic")
                .hasMessageContaining("offset 0");
    }

    @Test
    void rejectsUnsupportedVersion() {
        assertThatThrownBy(() -> GgufReader.parse(MemorySegment.ofArray(header(GgufReader.MAGIC, 7, 0, 0))))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("version 7");
    }

    @Test
    void rejectsAbsurdCountsWithoutAllocating() {
        assertThatThrownBy(() -> GgufReader.parse(MemorySegment.ofArray(header(GgufReader.MAGIC, 3, Long.MAX_VALUE, 0))))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tensor_count");
        assertThatThrownBy(() -> GgufReader.parse(MemorySegment.ofArray(header(GgufReader.MAGIC, 3, 0, 1_000_000))))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("metadata_kv_count");
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        byte[] full = Files.readAllBytes(SharedAssets.model("stories260K.gguf"));
        for (int cut : new int[] {3, 10, 23, 100, 5000, full.length - 1}) {
            byte[] part = java.util.Arrays.copyOf(full, cut);
            assertThatThrownBy(() -> GgufReader.parse(MemorySegment.ofArray(part)))
                    .as("cut at %d", cut)
                    .isInstanceOf(GgufFormatException.class);
        }
    }

    @Test
    void emptyFileIsAFormatError(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path p = dir.resolve("empty.gguf");
        Files.write(p, new byte[0]);
        assertThatThrownBy(() -> GgufFile.open(p))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("magic");
    }

    static byte[] header(int magic, int version, long nTensors, long nKv) {
        ByteBuffer bb = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(magic).putInt(version).putLong(nTensors).putLong(nKv);
        return bb.array();
    }
}
