package dev.llmstream.engine.cpu.tensor;

/**
 * The canonical dot product of {@link Lanes} without the Vector API: {@code L} lane accumulators
 * fed with {@link Math#fma}, folded by {@link Lanes#sum(float[], int)}. Bit-identical to the vector
 * kernels by construction, so tests can compare with {@code ==}.
 */
public final class ScalarDot {
    private ScalarDot() {}

    public static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        float[] acc = new float[Lanes.L];
        for (int k = 0; k < n; k++) {
            int lane = k % Lanes.L;
            acc[lane] = Math.fma(w[wOff + k], x[xOff + k], acc[lane]);
        }
        return Lanes.sum(acc, 0);
    }
}
