package dev.llmstream.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the header parser: every mutant of a real file must either parse or
 * fail with a {@link GgufFormatException} -- never an OOM, a hang, or a raw runtime exception.
 * Mutations concentrate on the header (where counts, lengths, types and offsets live).
 */
class GgufReaderFuzzTest {
    private static final int ITERATIONS = 3000;

    @Test
    void mutantsOfRealFilesFailCleanly() throws IOException {
        byte[] original = Files.readAllBytes(SharedAssets.model("stories260K.gguf"));
        long headerEnd;
        try (GgufFile f = GgufFile.open(SharedAssets.model("stories260K.gguf"))) {
            headerEnd = f.dataOffset();
        }
        SplittableRandom rnd = new SplittableRandom(20251121L);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] m = GgufMutator.mutate(original, (int) headerEnd, rnd);
            try {
                GgufReader.Header h = GgufReader.parse(MemorySegment.ofArray(m));
                assertThat(h.dataOffset()).isLessThanOrEqualTo(Math.max(m.length, h.dataOffset()));
                parsed++;
            } catch (GgufFormatException e) {
                assertThat(e.getMessage()).contains("field '");
                rejected++;
            } catch (RuntimeException | Error e) {
                throw new AssertionError("mutant " + i + " escaped with " + e, e);
            }
        }
        System.out.printf("GGUF fuzz: %d mutants, %d parsed, %d rejected with GgufFormatException%n",
                ITERATIONS, parsed, rejected);
        assertThat(rejected).isPositive();
    }
}
