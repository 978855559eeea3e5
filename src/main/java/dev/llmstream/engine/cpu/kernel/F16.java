package dev.llmstream.engine.cpu.kernel;

import dev.llmstream.engine.cpu.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Rounding float values to IEEE half precision while keeping them in float lanes — equal to
 * {@code Float.float16ToFloat(Float.floatToFloat16(x))} for every finite x below the f16 overflow
 * threshold, but vectorized (the Vector API has no f16 conversion in JDK 25).
 *
 * <p>Normal halves (|x| ≥ 2^-14) keep 11 significant bits: round-to-nearest-even on the float bit
 * pattern by adding {@code 0x0FFF + lsb} and clearing the low 13 mantissa bits. Subnormal halves are
 * multiples of 2^-24: adding and subtracting 0.75 (whose float ulp is 2^-24) rounds to that grid with
 * ties to even.
 *
 * <p>Only array-in, array-out methods: a vector passed to a method C2 does not inline is boxed on the
 * heap, which is correct but many times slower (see {@code Lanes.sumAt}).
 */
public final class F16 {
    static final float MIN_NORMAL = 0x1p-14f;

    private F16() {}

    public static float round(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    /** Rounds {@code a[off .. off+n)} to f16 precision in place. */
    public static void roundInPlace(float[] a, int off, int n) {
        int i = 0;
        int bound = Lanes.F.loopBound(n);
        for (; i < bound; i += Lanes.L) {
            FloatVector x = FloatVector.fromArray(Lanes.F, a, off + i);
            IntVector bits = x.reinterpretAsInts();
            IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0x0FFF)).and(0xFFFFE000);
            VectorMask<Float> tiny = x.abs().compare(VectorOperators.LT, MIN_NORMAL);
            rounded.reinterpretAsFloats().blend(x.add(0.75f).sub(0.75f), tiny).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = round(a[off + i]);
        }
    }
}
