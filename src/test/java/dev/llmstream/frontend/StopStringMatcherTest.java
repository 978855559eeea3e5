package dev.llmstream.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    private static String run(List<String> stops, String... pieces) {
        StopStringMatcher m = new StopStringMatcher(stops);
        StringBuilder out = new StringBuilder();
        for (String p : pieces) {
            out.append(m.accept(p));
        }
        return out.append(m.finish()).toString();
    }

    @Test
    void aStopStringSplitAcrossPiecesIsNeverReleased() {
        StopStringMatcher m = new StopStringMatcher(List.of("END"));
        assertThat(m.accept("hello E")).isEqualTo("hello ");
        assertThat(m.accept("N")).isEmpty();
        assertThat(m.accept("D and more")).isEmpty();
        assertThat(m.matched()).isTrue();
        assertThat(m.finish()).isEmpty();
    }

    @Test
    void aFalseStartIsReleasedWhenTheNextPieceDecides() {
        StopStringMatcher m = new StopStringMatcher(List.of("END"));
        assertThat(m.accept("E")).isEmpty();
        assertThat(m.accept("Nx")).isEqualTo("ENx");
        assertThat(m.matched()).isFalse();
    }

    @Test
    void theEarliestOfSeveralStopsWinsAndTheTailIsReleasedAtTheEnd() {
        assertThat(run(List.of("world", "lo w"), "hel", "lo wor", "ld")).isEqualTo("hel");
        assertThat(run(List.of("xyz"), "abc x", "y")).isEqualTo("abc xy");
        assertThat(run(List.of(), "a", "b")).isEqualTo("ab");
        assertThat(run(List.of("\n\n"), "line\n", "\nnext")).isEqualTo("line");
    }
}
