package dev.llmstream.gguf;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a GGUF file for fuzzing the reader. They concentrate on the header
 * ({@code [0, headerEnd)}), where counts, lengths, types and offsets live.
 */
final class GgufMutator {
    private GgufMutator() {}

    static byte[] mutate(byte[] original, int headerEnd, SplittableRandom rnd) {
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
                for (int b = 0; b < 8 && at + b < m.length; b++) {
                    m[at + b] = (byte) (v >>> (8 * b));
                }
            }
            case 3 -> { // overwrite a 4-byte value with a small number (hits types and n_dims)
                m = original.clone();
                int at = rnd.nextInt(Math.max(1, headerEnd - 4));
                int v = rnd.nextInt(-2, 64);
                for (int b = 0; b < 4 && at + b < m.length; b++) {
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
