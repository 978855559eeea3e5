package dev.llmstream.engine.cpu.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class F32MatrixTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void vectorKernelEqualsScalarTwinOnOddShapes() {
        SplittableRandom rnd = new SplittableRandom(11);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : new int[][] {{1, 1}, {5, 7}, {3, 172}, {17, 64}, {6, 33}, {4, 200}}) {
                MemorySegment seg = arena.allocate(4L * shape[0] * shape[1], 64);
                for (long i = 0; i < (long) shape[0] * shape[1]; i++) {
                    seg.set(F32, 4 * i, (float) rnd.nextGaussian());
                }
                MatrixTestSupport.assertKernelMatchesScalarTwin(new F32Matrix(seg, shape[0], shape[1]), rnd);
            }
        }
    }
}
