package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE interpretation rules and per-event timestamps. */
class BenchSseDecoderTest {
    private record Event(String type, String data, long nanos) {
    }

    private final List<Event> events = new ArrayList<>();
    private final SseDecoder decoder = new SseDecoder((t, d, n) -> events.add(new Event(t, d, n)));

    @Test
    void lineEndingsCommentsFieldsAndMultiLineData() {
        decoder.feed(": keep-alive\r\n\r\ndata: a\r\ndata:b\r\n\r\nevent: error\rdata:  two spaces\r\rid: 7\nretry: 10\n\n", 1);
        assertThat(events).containsExactly(new Event("message", "a\nb", 1), new Event("error", " two spaces", 1));
    }

    @Test
    void eachEventIsStampedWithTheBytesThatCompletedIt() {
        byte[] bytes = "data: {\"x\":\"é\"}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            decoder.feed(ByteBuffer.wrap(bytes, i, 1), 1000 + i); // one byte per read, é split in two
        }
        assertThat(events).hasSize(2);
        assertThat(events.get(0).data()).isEqualTo("{\"x\":\"é\"}");
        int firstBlankLine = "data: {\"x\":\"é\"}\n\n".getBytes(StandardCharsets.UTF_8).length - 1;
        assertThat(events.get(0).nanos()).isEqualTo(1000 + firstBlankLine);
        assertThat(events.get(1).nanos()).isEqualTo(1000 + bytes.length - 1);
    }

    @Test
    void anEventIsDispatchedOnlyByItsBlankLine() {
        decoder.feed("data: whole\n\ndata: half", 5);
        assertThat(events).containsExactly(new Event("message", "whole", 5));
        assertThat(decoder.hasPartialEvent()).isTrue();
        decoder.feed("\n\n", 6);
        assertThat(events).containsExactly(new Event("message", "whole", 5), new Event("message", "half", 6));
        decoder.feed("event: x\n\n", 7); // no data: nothing dispatched, and the type does not leak
        decoder.feed("data: y\n\n", 8);
        assertThat(events.getLast()).isEqualTo(new Event("message", "y", 8));
        assertThat(decoder.hasPartialEvent()).isFalse();
    }
}
