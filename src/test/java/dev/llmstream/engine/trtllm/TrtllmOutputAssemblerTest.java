package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.SpeculationParams;
import org.junit.jupiter.api.Test;

/**
 * Poll records to SPI outputs without native code: finish-reason mapping, stop-token reporting,
 * metrics (clock conversion, ordering, cached tokens) and the engine counters they feed.
 */
class TrtllmOutputAssemblerTest {
    private static final int EOS = 2;
    private static final int EOT = 3;
    private final EngineCounters counters = new EngineCounters();
    private final RequestMapper mapper = new RequestMapper(new RequestMapper.Limits(1000, 512), new int[] {EOS, EOT});
    // engine steady clock = nanoTime - 1_000_000
    private final OutputAssembler assembler =
            new OutputAssembler(mapper, new EngineClock(1_000_000), 16, true, counters);

    private static InFlightRequest request(int[] stop, boolean logprobs) {
        SamplingParams s = logprobs
                ? new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, null, null, null, true, 0) : SamplingParams.greedy();
        EngineRequest r = new EngineRequest("r", new int[40], s, 10, 0, stop, false, 0, SpeculationParams.DEFAULT, 0L,
                5_000_000L);
        InFlightRequest f = new InFlightRequest(r, o -> { }, 1);
        f.enqueued(9, 5_100_000L);
        return f;
    }

    private static PerfBlock perf(long firstToken, long lastToken, int reused) {
        // steady times: the engine saw the request at 4.2 ms and scheduled it at 4.3 ms (5.3 ms as nanoTime)
        return new PerfBlock(4_200_000, 4_300_000, firstToken, lastToken, 3, 3 - reused, reused, 3 - reused, -1f, 0f,
                0, 0);
    }

    private static PollRecord rec(int flags, int reason, int[] tokens, PerfBlock p) {
        return new PollRecord(9, 1, flags | PollRecord.PERF, reason, 0, 1, tokens, null, null, p);
    }

    @Test
    void streamsTokensAndConvertsEngineTimesIntoNanoTimeInOrder() {
        InFlightRequest f = request(null, false);
        EngineOutput o = assembler.onRecord(f, rec(0, 0, new int[] {7}, perf(4_500_000, 4_500_000, 2)), 6_000_000);
        assertThat(o.tokens()).containsExactly(7);
        assertThat(o.finished()).isFalse();
        assertThat(o.metrics().scheduledNanos()).isEqualTo(5_300_000);
        assertThat(o.metrics().firstTokenNanos()).isEqualTo(5_500_000);
        assertThat(o.metrics().ttftNanos()).isEqualTo(500_000);
        assertThat(o.metrics().cachedPromptTokens()).isEqualTo(32);
        assertThat(o.metrics().finishedNanos()).isZero();

        EngineOutput last = assembler.onRecord(f, rec(PollRecord.FINAL, PollRecord.FINISH_LENGTH, new int[] {8, 9},
                perf(4_500_000, 4_900_000, 2)), 6_500_000);
        assertThat(last.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(last.metrics().outputTokens()).isEqualTo(3);
        assertThat(last.metrics().lastTokenNanos()).isEqualTo(5_900_000);
        assertThat(last.metrics().tpotNanos()).isEqualTo(200_000.0);
        assertThat(last.metrics().finishedNanos()).isEqualTo(6_500_000);

        EngineStats s = counters.snapshot();
        assertThat(s.generationTokens()).isEqualTo(3);
        assertThat(s.requestsFinished()).isEqualTo(1);
        assertThat(s.promptTokens()).isEqualTo(40 - 32);
        assertThat(s.prefixQueryTokens()).isEqualTo(40);
        assertThat(s.prefixHitTokens()).isEqualTo(32);
    }

    @Test
    void engineTimesBeforeTheFrontendArrivalAreClampedNotNegative() {
        InFlightRequest f = request(null, false);
        // the engine claims it scheduled and produced before the JVM saw the request (clock conversion error)
        PerfBlock early = new PerfBlock(3_000_000, 3_500_000, 3_800_000, 3_800_000, 1, 1, 0, 1, -1f, 0f, 0, 0);
        EngineOutput o = assembler.onRecord(f, rec(0, 0, new int[] {7}, early), 6_000_000);
        assertThat(o.metrics().scheduledNanos()).isEqualTo(5_000_000);
        assertThat(o.metrics().firstTokenNanos()).isEqualTo(5_000_000);
        assertThat(o.metrics().queueNanos()).isZero();
    }

    @Test
    void aStopWordTokenIsReportedNotStreamed() {
        InFlightRequest f = request(new int[] {42}, false);
        EngineOutput o = assembler.onRecord(f, rec(PollRecord.FINAL, PollRecord.FINISH_STOP_WORDS, new int[] {5, 42},
                perf(4_500_000, 4_600_000, 0)), 6_000_000);
        assertThat(o.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(o.stopTokenId()).isEqualTo(42);
        assertThat(o.tokens()).containsExactly(5);
        assertThat(o.metrics().outputTokens()).isEqualTo(2);
    }

    @Test
    void anExtraEndOfGenerationIdEndsAsStopToo() {
        InFlightRequest f = request(null, false);
        EngineOutput o = assembler.onRecord(f, rec(PollRecord.FINAL, PollRecord.FINISH_STOP_WORDS, new int[] {EOT},
                perf(4_500_000, 4_600_000, 0)), 6_000_000);
        assertThat(o.stopTokenId()).isEqualTo(EOT);
        assertThat(o.tokens()).isEmpty();
    }

    @Test
    void theEndIdTheExecutorSwallowsIsStillReportedAndCounted() {
        InFlightRequest f = request(null, false);
        assembler.onRecord(f, rec(0, 0, new int[] {5}, perf(4_500_000, 4_500_000, 0)), 6_000_000);
        EngineOutput o = assembler.onRecord(f, rec(PollRecord.FINAL, PollRecord.FINISH_END_ID, new int[0],
                perf(4_500_000, 4_600_000, 0)), 6_100_000);
        assertThat(o.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(o.stopTokenId()).isEqualTo(EOS);
        assertThat(o.tokens()).isEmpty();
        assertThat(o.metrics().outputTokens()).isEqualTo(2);
        assertThat(counters.snapshot().generationTokens()).isEqualTo(2);
    }

    @Test
    void cancelledAndTimedOutAreAbortAndErrorsCarryTheirMessage() {
        EngineOutput c = assembler.onRecord(request(null, false),
                rec(PollRecord.FINAL, PollRecord.FINISH_CANCELLED, new int[0], PerfBlock.NONE), 6_000_000);
        assertThat(c.finishReason()).isEqualTo(FinishReason.ABORT);
        assertThat(c.error()).isNull();
        EngineOutput t = assembler.onRecord(request(null, false),
                rec(PollRecord.FINAL, PollRecord.FINISH_TIMED_OUT, new int[0], PerfBlock.NONE), 6_000_000);
        assertThat(t.finishReason()).isEqualTo(FinishReason.ABORT);
        PollRecord err = new PollRecord(9, 1, PollRecord.FINAL | PollRecord.ERROR, 0, 0, 0, new int[0], null,
                "CUDA error", PerfBlock.NONE);
        EngineOutput e = assembler.onRecord(request(null, false), err, 6_000_000);
        assertThat(e.finishReason()).isEqualTo(FinishReason.ERROR);
        assertThat(e.error()).isEqualTo("CUDA error");
        // never scheduled: no prompt tokens were computed
        assertThat(counters.snapshot().promptTokens()).isZero();
        assertThat(counters.snapshot().requestsFinished()).isEqualTo(3);
    }

    @Test
    void withoutAPerfBlockThePollerClockStandsIn() {
        InFlightRequest f = request(null, false);
        PollRecord bare = new PollRecord(9, 1, 0, 0, 0, 1, new int[] {4}, null, null, PerfBlock.NONE);
        EngineOutput o = assembler.onRecord(f, bare, 7_000_000);
        assertThat(o.metrics().scheduledNanos()).isEqualTo(5_100_000); // when enqueue returned
        assertThat(o.metrics().firstTokenNanos()).isEqualTo(7_000_000);
        assertThat(o.metrics().lastTokenNanos()).isEqualTo(7_000_000);
    }

    @Test
    void logprobsFollowTheStreamedTokens() {
        InFlightRequest f = request(new int[] {42}, true);
        PollRecord r = new PollRecord(9, 1, PollRecord.FINAL | PollRecord.PERF, PollRecord.FINISH_STOP_WORDS, 0, 1,
                new int[] {5, 42}, new float[] {-0.5f, -0.1f}, null, perf(4_500_000, 4_500_000, 0));
        EngineOutput o = assembler.onRecord(f, r, 6_000_000);
        assertThat(o.logprobs()).hasSize(1);
        assertThat(o.logprobs()[0].token()).isEqualTo(5);
        assertThat(o.logprobs()[0].logprob()).isEqualTo(-0.5f);
        assertThat(o.logprobs()[0].topIds()).isEmpty();
    }

    @Test
    void aRecordWithNothingNewProducesNoOutput() {
        assertThat(assembler.onRecord(request(null, false), rec(0, 0, new int[0], PerfBlock.NONE), 6_000_000)).isNull();
    }

    @Test
    void javaSideFinalsHaveNoTokensAndAnErrorOnlyForError() {
        EngineOutput abort = assembler.finalOutput(request(null, false), FinishReason.ABORT, "ignored", 8_000_000);
        assertThat(abort.tokens()).isEmpty();
        assertThat(abort.error()).isNull();
        assertThat(abort.metrics().finishedNanos()).isEqualTo(8_000_000);
        EngineOutput err = assembler.finalOutput(request(null, false), FinishReason.ERROR, "bad", 8_000_000);
        assertThat(err.error()).isEqualTo("bad");
    }
}
