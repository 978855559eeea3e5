package dev.llmstream.engine.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NgramProposerTest {
    private final NgramProposer lookup = new NgramProposer(1, 3);

    private int[] propose(int k, int... tokens) {
        int[] out = new int[k];
        int n = lookup.propose(tokens, tokens.length, k, out);
        return Arrays.copyOf(out, n);
    }

    @Test
    void proposesWhatFollowedTheMostRecentLongestMatch() {
        // suffix "7 8" occurred at 1..2 and was followed by 9 10 11 12
        assertThat(propose(3, 5, 7, 8, 9, 10, 11, 12, 7, 8)).containsExactly(9, 10, 11);
        // the 3-gram "1 7 8" wins over the more recent 2-gram "7 8" (followed by 4)
        assertThat(propose(2, 1, 7, 8, 3, 0, 7, 8, 4, 1, 7, 8)).containsExactly(3, 0);
    }

    @Test
    void nothingWhenNoNgramRecurs() {
        assertThat(propose(4, 1, 2, 3, 4)).isEmpty();
        assertThat(propose(0, 1, 1, 1)).isEmpty();
    }

    @Test
    void aMatchCloseBehindContinuesItsPeriod() {
        // a run of one token: period 1
        assertThat(propose(5, 4, 9, 9, 9)).containsExactly(9, 9, 9, 9, 9);
        // a repeating line of three tokens: period 3
        assertThat(propose(7, 1, 2, 3, 1, 2, 3, 1)).containsExactly(2, 3, 1, 2, 3, 1, 2);
        // period exactly k: all known
        assertThat(propose(2, 6, 5, 6, 5)).containsExactly(6, 5);
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> new NgramProposer(0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NgramProposer(3, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
