package dev.llmstream.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.Arrays;
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
            byte[] m = mutate(original, (int) headerEnd, rnd);
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

    private static byte[] mutate(byte[] original, int headerEnd, SplittableRandom rnd) {
        byte[] m;
        switch (rnd.nextInt(5)) {
            case 0 -> { // truncate somewhere in the header
                m = Arrays.copyOf(original, rnd.nextInt(headerEnd + 1));
            }
            case 1 -> { // flip a few random header bytes
                m = original.clone();
                for (int k = rnd.nextInt(1, 6); k > 0; k--) {
                    m[rnd.nextInt(headerEnd)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> { // overwrite 8 bytes with an extreme value (hits u64 counts/lengths/offsets)
                m = original.clone();
                int at = rnd.nextInt(Math.max(1, headerEnd - 8));
                long v = switch (rnd.nextInt(4)) {
                    case 0 -> -1L;
                    case 1 -> Long.MAX_VALUE;
                    case 2 -> 1L << rnd.nextInt(63);
                    default -> rnd.nextLong();
                };
                for (int b = 0; b < 8; b++) {
                    m[at + b] = (byte) (v >>> (8 * b));
                }
            }
            case 3 -> { // overwrite a 4-byte value with a small number (hits types and n_dims)
                m = original.clone();
                int at = rnd.nextInt(Math.max(1, headerEnd - 4));
                int v = rnd.nextInt(-2, 64);
                for (int b = 0; b < 4; b++) {
                    m[at + b] = (byte) (v >>> (8 * b));
                }
            }
            default -> { // random garbage after a valid magic + version
                m = new byte[rnd.nextInt(24, 512)];
                for (int k = 0; k < m.length; k++) {
                    m[k] = (byte) rnd.nextInt(256);
                }
                System.arraycopy(original, 0, m, 0, 8);
            }
        }
        return m;
    }
}
