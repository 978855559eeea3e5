package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class WeightMatricesTest {

    @Test
    void picksTheImplementationOfEachSupportedType() {
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
                    GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
                int cols = 512;
                MemorySegment seg = arena.allocate(3 * t.byteSize(cols), 64);
                WeightMatrix m = WeightMatrices.of(t, seg, 3, cols);
                assertThat(m.type()).isEqualTo(t);
                assertThat(m.rows()).isEqualTo(3);
                assertThat(m.cols()).isEqualTo(cols);
                assertThat(m.byteSize()).isEqualTo(3 * t.byteSize(cols));
                assertThat(m.getClass().getSimpleName()).isEqualTo(t.name() + "Matrix");
            }
        }
    }

    @Test
    void rejectsUnsupportedTypesAndWrongSizes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4096, 64);
            assertThatThrownBy(() -> WeightMatrices.of(GgmlType.Q2_K, seg, 1, 256))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q2_K");
            assertThatThrownBy(() -> WeightMatrices.of(GgmlType.Q4_K, seg, 1, 128)) // not a whole super-block
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> WeightMatrices.of(GgmlType.Q6_K, seg, 2, 256)) // 420 bytes != 4096
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
