package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The poll-buffer decoder on synthetic byte buffers: layout, payloads, and hostile lengths. */
class TrtllmPollBufferDecoderTest {
    private static final PerfBlock PERF = new PerfBlock(1_000, 2_000, 3_000, 9_000, 5, 3, 2, 1, 0.4f, 0.75f, 6, 8);

    private static List<PollRecord> decode(PollRecordWriter w, int count) {
        List<PollRecord> out = new ArrayList<>();
        PollBufferDecoder.decode(w.buffer(), w.bytes(), count, out::add);
        return out;
    }

    @Test
    void decodesConsecutiveRecordsWithTokensLogprobsErrorsAndPerf() {
        PollRecordWriter w = new PollRecordWriter(4096)
                .add(new PollRecord(7, 70, PollRecord.PERF, 0, 0, 1, new int[] {11, 12, 13}, null, null, PERF))
                .add(new PollRecord(8, 80, PollRecord.FINAL | PollRecord.SEQUENCE_FINAL | PollRecord.PERF,
                        PollRecord.FINISH_LENGTH, 1, 4, new int[] {5}, new float[] {-0.25f}, null, PERF))
                .add(new PollRecord(9, 90, PollRecord.FINAL | PollRecord.ERROR, 0, 0, 0, new int[0], null,
                        "boom – ünïcode", PerfBlock.NONE));
        List<PollRecord> recs = decode(w, 3);

        assertThat(recs).hasSize(3);
        PollRecord a = recs.get(0);
        assertThat(a.requestId()).isEqualTo(7);
        assertThat(a.clientId()).isEqualTo(70);
        assertThat(a.tokens()).containsExactly(11, 12, 13);
        assertThat(a.logprobs()).isNull();
        assertThat(a.isFinal()).isFalse();
        assertThat(a.perf()).isEqualTo(PERF);

        PollRecord b = recs.get(1);
        assertThat(b.isFinal()).isTrue();
        assertThat(b.finishReason()).isEqualTo(PollRecord.FINISH_LENGTH);
        assertThat(b.sequenceIndex()).isEqualTo(1);
        assertThat(b.decodingIterations()).isEqualTo(4);
        assertThat(b.logprobs()).containsExactly(-0.25f);

        PollRecord c = recs.get(2);
        assertThat(c.hasError()).isTrue();
        assertThat(c.error()).isEqualTo("boom – ünïcode");
        assertThat(c.hasPerf()).isFalse();
        assertThat(c.perf()).isSameAs(PerfBlock.NONE);
    }

    @Test
    void recordsAreEightByteAligned() {
        PollRecordWriter w = new PollRecordWriter(1024)
                .add(new PollRecord(1, 1, 0, 0, 0, 0, new int[] {1}, null, null, PerfBlock.NONE));
        assertThat(w.bytes()).isEqualTo(112); // 104 + 4, padded to 8
        assertThat(decode(w, 1).get(0).tokens()).containsExactly(1);
    }

    @Test
    void anEmptyBatchDecodesNothing() {
        assertThat(decode(new PollRecordWriter(64), 0)).isEmpty();
    }

    @Test
    void rejectsARecordThatClaimsMoreThanTheBatch() {
        PollRecordWriter w = new PollRecordWriter(1024)
                .add(new PollRecord(1, 1, 0, 0, 0, 0, new int[] {1, 2}, null, null, PerfBlock.NONE));
        assertThatThrownBy(() -> decode(w, 2)).isInstanceOf(PollBufferDecoder.MalformedBufferException.class)
                .hasMessageContaining("cut off");
        w.corruptInt(0, PollBufferDecoder.OFF_RECORD_BYTES, 4096);
        assertThatThrownBy(() -> decode(w, 1)).isInstanceOf(PollBufferDecoder.MalformedBufferException.class)
                .hasMessageContaining("bad size");
    }

    @Test
    void rejectsTokenAndErrorLengthsBeyondTheRecord() {
        PollRecordWriter w = new PollRecordWriter(1024)
                .add(new PollRecord(1, 1, 0, 0, 0, 0, new int[] {1}, null, null, PerfBlock.NONE));
        w.corruptInt(0, PollBufferDecoder.OFF_NUM_TOKENS, Integer.MAX_VALUE);
        assertThatThrownBy(() -> decode(w, 1)).isInstanceOf(PollBufferDecoder.MalformedBufferException.class);
        w.corruptInt(0, PollBufferDecoder.OFF_NUM_TOKENS, 1).corruptInt(0, PollBufferDecoder.OFF_ERROR_LEN, -1);
        assertThatThrownBy(() -> decode(w, 1)).isInstanceOf(PollBufferDecoder.MalformedBufferException.class);
        w.corruptInt(0, PollBufferDecoder.OFF_ERROR_LEN, 0).corruptInt(0, PollBufferDecoder.OFF_RECORD_BYTES, 100);
        assertThatThrownBy(() -> decode(w, 1)).isInstanceOf(PollBufferDecoder.MalformedBufferException.class);
    }

    @Test
    void rejectsAResultLargerThanTheBuffer() {
        PollRecordWriter w = new PollRecordWriter(256);
        assertThatThrownBy(() -> PollBufferDecoder.decode(w.buffer(), 10_000, 1, r -> { }))
                .isInstanceOf(PollBufferDecoder.MalformedBufferException.class);
    }
}
