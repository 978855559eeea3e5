package dev.llmstream.engine.cpu.kernel;

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
 */
public final class F16 {
    private static final float MIN_NORMAL = 0x1p-14f;

    private F16() {}

    public static float round(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    public static FloatVector round(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector lsb = bits.lanewise(VectorOperators.LSHR, 13).and(1);
        IntVector rounded = bits.add(lsb.add(0x0FFF)).and(0xFFFFE000);
        FloatVector normal = rounded.reinterpretAsFloats();
        VectorMask<Float> tiny = x.abs().compare(VectorOperators.LT, MIN_NORMAL);
        FloatVector sub = x.add(0.75f).sub(0.75f);
        return normal.blend(sub, tiny);
    }
}
