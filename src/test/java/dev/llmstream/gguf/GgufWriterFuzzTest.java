package dev.llmstream.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.Channels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing with files our writer produces: random metadata of every type (nested arrays
 * included) and random tensors of random types and shapes. Each file must read back exactly (same
 * metadata, infos, bytes, and a byte-identical rewrite); each of its mutants must either parse or
 * fail with a {@link GgufFormatException}, never anything else.
 */
class GgufWriterFuzzTest {
    private static final int FILES = 60;
    private static final int MUTANTS_PER_FILE = 60;
    private static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
        GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.I8, GgmlType.I32, GgmlType.F64};

    @Test
    void writtenFilesRoundTripAndTheirMutantsFailCleanly() throws IOException {
        SplittableRandom rnd = new SplittableRandom(0x600F_F00DL);
        int parsed = 0;
        int rejected = 0;
        for (int f = 0; f < FILES; f++) {
            GgufWriter w = randomFile(rnd);
            byte[] file = write(w);
            GgufReader.Header h = GgufReader.parse(MemorySegment.ofArray(file));
            Map<String, GgufValue> expected = new LinkedHashMap<>();
            if (w.alignment() != GgufReader.DEFAULT_ALIGNMENT) {
                expected.put("general.alignment", GgufValue.ofUint32(w.alignment()));
            }
            expected.putAll(w.metadata());
            assertThat(h.metadata().asMap()).containsExactlyEntriesOf(expected);
            assertThat(h.alignment()).isEqualTo(w.alignment());
            assertThat(h.tensors()).isEqualTo(w.layout().tensors());
            assertThat(rewrite(file, h)).isEqualTo(file);

            for (int i = 0; i < MUTANTS_PER_FILE; i++) {
                byte[] m = GgufMutator.mutate(file, (int) h.dataOffset(), rnd);
                try {
                    GgufReader.parse(MemorySegment.ofArray(m));
                    parsed++;
                } catch (GgufFormatException e) {
                    assertThat(e.getMessage()).contains("field '");
                    rejected++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("file " + f + " mutant " + i + " escaped with " + e, e);
                }
            }
        }
        System.out.printf("GGUF writer fuzz: %d files round-tripped, %d mutants parsed, %d rejected%n",
                FILES, parsed, rejected);
        assertThat(rejected).isGreaterThan(FILES * MUTANTS_PER_FILE / 2);
    }

    private static byte[] write(GgufWriter w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(Channels.newChannel(out), n -> {});
        return out.toByteArray();
    }

    /** Reads the file's parts back into a new writer and writes it again. */
    private static byte[] rewrite(byte[] file, GgufReader.Header h) throws IOException {
        GgufWriter w = new GgufWriter(h.alignment()).putAll(h.metadata().asMap());
        MemorySegment seg = MemorySegment.ofArray(file);
        for (GgufTensorInfo t : h.tensors()) {
            w.addTensor(t.name(), t.shape(), t.type(),
                    TensorSource.of(seg.asSlice(h.dataOffset() + t.offset(), t.byteSize())));
        }
        return write(w);
    }

    private static GgufWriter randomFile(SplittableRandom rnd) {
        int alignment = List.of(8, 16, 32, 32, 64, 4096).get(rnd.nextInt(6));
        GgufWriter w = new GgufWriter(alignment).parallelism(1);
        int nKv = rnd.nextInt(0, 12);
        for (int i = 0; i < nKv; i++) {
            w.put("k" + i + "." + randomString(rnd, 6), randomValue(rnd, 0));
        }
        int nTensors = rnd.nextInt(0, 6);
        for (int i = 0; i < nTensors; i++) {
            GgmlType type = TYPES[rnd.nextInt(TYPES.length)];
            int dims = rnd.nextInt(1, 5);
            long[] shape = new long[dims];
            shape[0] = (long) type.blockSize() * rnd.nextInt(0, 4);
            for (int d = 1; d < dims; d++) {
                shape[d] = rnd.nextInt(1, 4);
            }
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            byte[] data = new byte[(int) type.byteSize(n)];
            rnd.nextBytes(data);
            w.addTensor("t" + i + randomString(rnd, 4), shape, type, TensorSource.of(data));
        }
        return w;
    }

    private static GgufValue randomValue(SplittableRandom rnd, int depth) {
        GgufValueType t = GgufValueType.values()[rnd.nextInt(GgufValueType.values().length)];
        return switch (t) {
            case UINT8 -> new GgufValue(t, rnd.nextInt(256));
            case INT8 -> new GgufValue(t, rnd.nextInt(-128, 128));
            case UINT16 -> new GgufValue(t, rnd.nextInt(65536));
            case INT16 -> new GgufValue(t, rnd.nextInt(-32768, 32768));
            case UINT32 -> new GgufValue(t, rnd.nextLong(1L << 32));
            case INT32 -> new GgufValue(t, rnd.nextInt());
            case FLOAT32 -> new GgufValue(t, Float.intBitsToFloat(rnd.nextInt() & 0x7F7F_FFFF));
            case BOOL -> new GgufValue(t, rnd.nextBoolean());
            case STRING -> new GgufValue(t, randomString(rnd, rnd.nextInt(0, 20)));
            case UINT64, INT64 -> new GgufValue(t, rnd.nextLong());
            case FLOAT64 -> new GgufValue(t, rnd.nextDouble(-1e300, 1e300));
            case ARRAY -> GgufValue.ofArray(randomArray(rnd, depth + 1));
        };
    }

    private static GgufArray randomArray(SplittableRandom rnd, int depth) {
        GgufValueType t = GgufValueType.values()[rnd.nextInt(GgufValueType.values().length)];
        if (t == GgufValueType.ARRAY && depth >= 3) {
            t = GgufValueType.INT32;
        }
        int n = rnd.nextInt(0, 8);
        Object data = switch (t) {
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                rnd.nextBytes(a);
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) rnd.nextInt();
                }
                yield a;
            }
            case UINT32, INT32 -> rnd.ints(n).toArray();
            case UINT64, INT64 -> rnd.longs(n).toArray();
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (float) rnd.nextGaussian();
                }
                yield a;
            }
            case FLOAT64 -> rnd.doubles(n).toArray();
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = rnd.nextBoolean();
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = randomString(rnd, rnd.nextInt(0, 10));
                }
                yield a;
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = randomArray(rnd, depth + 1);
                }
                yield a;
            }
        };
        return new GgufArray(t, data);
    }

    /** Letters plus some multi-byte characters, so string lengths in bytes and chars differ. */
    private static String randomString(SplittableRandom rnd, int len) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz_.▁é中";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void tensorBytesAreWhereTheInfosSay() throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] data = new byte[34 * 3];
        rnd.nextBytes(data);
        GgufWriter w = new GgufWriter(64).addTensor("q", new long[] {96}, GgmlType.Q8_0, TensorSource.of(data));
        byte[] file = write(w);
        GgufReader.Header h = GgufReader.parse(MemorySegment.ofArray(file));
        MemorySegment at = MemorySegment.ofArray(file).asSlice(h.dataOffset() + h.tensors().getFirst().offset(), data.length);
        assertThat(at.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(data);
    }
}
