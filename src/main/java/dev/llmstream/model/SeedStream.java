package dev.llmstream.model;

import java.nio.charset.StandardCharsets;

/**
 * A small, fully specified random stream, so that a synthesized model depends only on
 * (seed, tensor name, row) -- not on the JDK version, the thread count or the order in which
 * chunks are computed.
 *
 * <ul>
 *   <li>Uniform bits: SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
 *       generators", OOPSLA 2014; the generator of {@link java.util.SplittableRandom}), written out
 *       here because the JDK does not promise its {@code nextGaussian} sequence across versions.</li>
 *   <li>Normals: Marsaglia's polar method with {@link StrictMath#log} (bit-reproducible on every
 *       platform, unlike {@link Math#log}).</li>
 *   <li>Seeds: {@code tensorSeed = mix(seed ^ fnv1a64(name))}, {@code rowSeed = mix(tensorSeed +
 *       (row + 1) * golden)}. Changing any of this changes every synthesized model: do not.</li>
 * </ul>
 */
final class SeedStream {
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private long state;
    private double spare;
    private boolean hasSpare;

    SeedStream(long seed) {
        this.state = seed;
    }

    /** SplitMix64's output function (a strong 64-bit finalizer). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    static long fnv1a64(String s) {
        long h = 0xCBF2_9CE4_8422_2325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x0000_0100_0000_01B3L;
        }
        return h;
    }

    static long tensorSeed(long seed, String tensorName) {
        return mix(seed ^ fnv1a64(tensorName));
    }

    static long rowSeed(long tensorSeed, long row) {
        return mix(tensorSeed + (row + 1) * GOLDEN);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    int nextInt(int bound) {
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Standard normal N(0, 1). */
    double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * StrictMath.log(s) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }
}
