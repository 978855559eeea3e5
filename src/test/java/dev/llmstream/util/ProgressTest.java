package dev.llmstream.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    private String text() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesModePrintsStartQuartersAndDoneWithDuration() {
        Progress p = Progress.start("synth x", 400_000_000, Progress.Unit.BYTES, Progress.Mode.LINES, out, clock::get);
        p.advance(50_000_000);
        assertThat(text()).isEqualTo("synth x: started (400.0 MB)\n");
        clock.set(1_500_000_000L);
        p.advance(60_000_000); // crosses 25%
        p.advance(1);
        p.advance(200_000_000); // 310 MB: jumps to 75%, reports only the latest quarter
        clock.set(4_000_000_000L);
        p.advance(90_000_000);
        p.done();
        p.done(); // idempotent
        assertThat(text().split("\n")).containsExactly(
                "synth x: started (400.0 MB)",
                "synth x: 25% (110.0 MB of 400.0 MB, 1.5s)",
                "synth x: 75% (310.0 MB of 400.0 MB, 1.5s)",
                "synth x: done, 400.0 MB in 4.0s");
    }

    @Test
    void barModeRedrawsInPlaceAndIsThrottled() {
        Progress p = Progress.start("load", 100, Progress.Unit.ITEMS, Progress.Mode.BAR, out, clock::get);
        int initial = text().length();
        assertThat(text()).startsWith("\rload [>").contains("  0%");
        clock.set(10_000_000L); // 10 ms later: throttled
        p.advance(10);
        assertThat(text().length()).isEqualTo(initial);
        clock.set(200_000_000L);
        p.advance(40);
        assertThat(text()).contains("\rload [===============>").contains(" 50% 50 items / 100 items 0.2s");
        p.close();
        assertThat(text()).endsWith("100% 100 items / 100 items 0.2s\n");
        assertThat(text()).doesNotContain("\n\r");
    }

    @Test
    void silentModePrintsNothingButCounts() {
        Progress p = Progress.start("quiet", 10, Progress.Unit.ITEMS, Progress.Mode.SILENT, out, clock::get);
        p.advance(7);
        p.done();
        assertThat(text()).isEmpty();
        assertThat(p.completed()).isEqualTo(7);
    }

    @Test
    void autoModeIsLinesWithoutATerminal() {
        // surefire runs without an interactive terminal
        Progress p = Progress.start("auto", 1, Progress.Unit.ITEMS, Progress.Mode.AUTO, out, clock::get);
        assertThat(p.mode()).isEqualTo(Progress.Mode.LINES);
    }

    @Test
    void parallelProducersAreCountedExactlyAndQuartersStayInOrder() throws InterruptedException {
        long perThread = 100_000;
        int threads = 8;
        Progress p = Progress.start("par", perThread * threads, Progress.Unit.ITEMS, Progress.Mode.LINES, out,
                System::nanoTime);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    p.advance(1);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        p.done();
        assertThat(p.completed()).isEqualTo(perThread * threads);
        String[] lines = text().split("\n");
        // start, then quarter lines in strictly increasing order (a racing thread's quarter may be
        // dropped, never repeated or reordered), then done
        assertThat(lines.length).isBetween(3, 5);
        assertThat(lines[0]).startsWith("par: started");
        int last = 0;
        for (int i = 1; i < lines.length - 1; i++) {
            int q = Integer.parseInt(lines[i].substring(5, lines[i].indexOf('%')));
            assertThat(q).isIn(25, 50, 75).isGreaterThan(last);
            last = q;
        }
        assertThat(lines[lines.length - 1]).startsWith("par: done, 800000 items in ");
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> Progress.start("x", -1, Progress.Unit.ITEMS, Progress.Mode.SILENT))
                .isInstanceOf(IllegalArgumentException.class);
        Progress p = Progress.start("x", 1, Progress.Unit.ITEMS, Progress.Mode.SILENT);
        assertThatThrownBy(() -> p.advance(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
