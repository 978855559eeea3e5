package dev.llmstream.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

    private static String decode(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Utf8.decode(b, 0, b.length);
    }

    @Test
    void validSequencesOfEveryLength() {
        assertThat(decode(0x41, 0xC3, 0xA9, 0xE6, 0x97, 0xA5, 0xF0, 0x9F, 0xA6, 0x99)).isEqualTo("Aé日🦙");
    }

    @Test
    void malformedInputIsReplacedPerMaximalSubpart() {
        assertThat(decode(0x80)).isEqualTo("\uFFFD"); // stray continuation
        assertThat(decode(0xC0, 0xAF)).isEqualTo("\uFFFD\uFFFD"); // overlong lead, then stray
        assertThat(decode(0xE6, 0x97, 0x41)).isEqualTo("\uFFFDA"); // truncated 3-byte then ASCII
        assertThat(decode(0xED, 0xA0, 0x80)).isEqualTo("\uFFFD\uFFFD\uFFFD"); // surrogate: ED then 2 strays
        assertThat(decode(0xED, 0xAA, 0xFF)).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(decode(0xE0, 0x80, 0x80)).isEqualTo("\uFFFD\uFFFD\uFFFD"); // overlong 3-byte
        assertThat(decode(0xF4, 0x90, 0x80, 0x80)).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD"); // > U+10FFFF
        assertThat(decode(0xF0, 0x9F, 0xA6)).isEqualTo("\uFFFD"); // truncated at end of input
        assertThat(decode(0xFF, 0x41)).isEqualTo("\uFFFDA");
    }

    @Test
    void incompleteTailIsLeftForMoreInput() {
        byte[] b = {0x41, (byte) 0xF0, (byte) 0x9F, (byte) 0xA6};
        StringBuilder out = new StringBuilder();
        assertThat(Utf8.decode(b, 0, b.length, false, out)).isEqualTo(1);
        assertThat(out.toString()).isEqualTo("A");
    }

    /**
     * The JDK decoder also replaces maximal subparts, except that it swallows an encoded surrogate
     * ({@code ED A0..BF xx}) as one unit where Unicode (and Python, which wrote the golden texts)
     * give one U+FFFD per byte; those inputs are covered by the explicit cases above instead.
     */
    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(7);
        int compared = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] b = randomBytes(random, random.nextInt(24));
            if (!hasEncodedSurrogate(b)) {
                assertThat(Utf8.decode(b, 0, b.length)).isEqualTo(new String(b, StandardCharsets.UTF_8));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(1000);
    }

    private static boolean hasEncodedSurrogate(byte[] b) {
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xED && (b[i + 1] & 0xFF) >= 0xA0 && (b[i + 1] & 0xFF) <= 0xBF) {
                return true;
            }
        }
        return false;
    }

    @Test
    void decodingInPiecesEqualsDecodingAtOnce() {
        Random random = new Random(11);
        for (int round = 0; round < 2000; round++) {
            byte[] b = randomBytes(random, random.nextInt(32));
            StringBuilder out = new StringBuilder();
            byte[] pending = new byte[b.length];
            int pendingLength = 0;
            for (int i = 0; i < b.length; ) {
                int n = Math.min(b.length - i, 1 + random.nextInt(4));
                System.arraycopy(b, i, pending, pendingLength, n);
                pendingLength += n;
                i += n;
                int used = Utf8.decode(pending, 0, pendingLength, false, out);
                assertThat(pendingLength - used).isLessThanOrEqualTo(3);
                System.arraycopy(pending, used, pending, 0, pendingLength - used);
                pendingLength -= used;
            }
            Utf8.decode(pending, 0, pendingLength, true, out);
            assertThat(out.toString()).isEqualTo(Utf8.decode(b, 0, b.length));
        }
    }

    /** Mostly plausible UTF-8 fragments (leads, continuations, ASCII) so malformed cases are dense. */
    private static byte[] randomBytes(Random random, int n) {
        int[] pool = {0x41, 0x80, 0x9F, 0xA0, 0xBF, 0xC2, 0xC3, 0xDF, 0xE0, 0xE6, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
            0xC0};
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : pool[random.nextInt(pool.length)]);
        }
        return b;
    }
}
