package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.SpeculationParams;
import org.junit.jupiter.api.Test;

/** SPI requests to Executor requests: validation as values, sampling and stop-criteria mapping. */
class TrtllmRequestMapperTest {
    private final RequestMapper mapper = new RequestMapper(new RequestMapper.Limits(100, 64), new int[] {2, 7, 2, 500});

    private static EngineRequest req(int[] prompt, SamplingParams s, int max, int[] stops, boolean ignoreEos,
                                     int priority) {
        return new EngineRequest("x", prompt, s, max, 0, stops, ignoreEos, priority, SpeculationParams.DEFAULT, 0L, 1L);
    }

    private NativeRequest enqueued(EngineRequest r) {
        RequestMapper.Plan p = mapper.plan(r, 5);
        assertThat(p).isInstanceOf(RequestMapper.Plan.Enqueue.class);
        return ((RequestMapper.Plan.Enqueue) p).request();
    }

    @Test
    void greedyIsTopKOneWithoutTemperature() {
        NativeRequest n = enqueued(req(new int[] {1, 2, 3}, SamplingParams.greedy(), 10, null, false, 0));
        assertThat(n.has(NativeRequest.TOP_K)).isTrue();
        assertThat(n.topK()).isEqualTo(1);
        assertThat(n.has(NativeRequest.TEMPERATURE)).isFalse();
        assertThat(n.has(NativeRequest.SEED)).isFalse();
        assertThat(n.clientId()).isEqualTo(5);
        assertThat(n.input()).containsExactly(1, 2, 3);
    }

    @Test
    void sampledRequestsAlwaysCarryASeed() {
        SamplingParams seeded = new SamplingParams(0.8f, 40, 0.9f, 0.05f, 1.1f, 0.2f, 0.3f, 99L, null, null, false, 0);
        NativeRequest n = enqueued(req(new int[] {1}, seeded, 10, null, false, 0));
        assertThat(n.samplingSet()).isEqualTo(NativeRequest.TEMPERATURE | NativeRequest.SEED | NativeRequest.TOP_K
                | NativeRequest.TOP_P | NativeRequest.MIN_P | NativeRequest.REPETITION_PENALTY
                | NativeRequest.PRESENCE_PENALTY | NativeRequest.FREQUENCY_PENALTY);
        assertThat(n.seed()).isEqualTo(99L);
        assertThat(n.temperature()).isEqualTo(0.8f);

        SamplingParams unseeded = seeded.withSeed(null);
        long a = enqueued(req(new int[] {1}, unseeded, 10, null, false, 0)).seed();
        long b = enqueued(req(new int[] {1}, unseeded, 10, null, false, 0)).seed();
        assertThat(a).isNotEqualTo(b); // not the Executor's fixed default of 0 for everyone
    }

    @Test
    void oneEndIdTheOtherEndTokensAndStopIdsAreStopSequences() {
        NativeRequest n = enqueued(req(new int[] {1}, SamplingParams.greedy(), 10, new int[] {9, 2}, false, 0));
        assertThat(mapper.endId()).isEqualTo(2);
        assertThat(n.endId()).isEqualTo(2);
        assertThat(n.stopSequences()).isDeepEqualTo(new int[][] {{7}, {9}}); // 500 is outside the vocab
        assertThat(mapper.isStopToken(req(new int[] {1}, SamplingParams.greedy(), 10, new int[] {9}, false, 0), 7))
                .isTrue();
    }

    @Test
    void ignoreEosSendsNoEndIdButKeepsExplicitStops() {
        EngineRequest r = req(new int[] {1}, SamplingParams.greedy(), 10, new int[] {2}, true, 0);
        NativeRequest n = enqueued(r);
        assertThat(n.endId()).isEqualTo(-1);
        assertThat(n.stopSequences()).isDeepEqualTo(new int[][] {{2}});
        assertThat(mapper.isStopToken(r, 7)).isFalse();
        assertThat(mapper.isStopToken(r, 2)).isTrue();
    }

    @Test
    void invalidInputIsAValueNotAnException() {
        RequestMapper.Plan bad = mapper.plan(req(new int[] {1, 100}, SamplingParams.greedy(), 10, null, false, 0), 1);
        assertThat(bad).isEqualTo(new RequestMapper.Plan.Rejected(FinishReason.ERROR,
                "prompt token id 100 is outside the vocabulary (0..99)"));
        RequestMapper.Plan negative = mapper.plan(req(new int[] {-1}, SamplingParams.greedy(), 10, null, false, 0), 1);
        assertThat(((RequestMapper.Plan.Rejected) negative).reason()).isEqualTo(FinishReason.ERROR);
        RequestMapper.Plan stop =
                mapper.plan(req(new int[] {1}, SamplingParams.greedy(), 10, new int[] {-3}, false, 0), 1);
        assertThat(((RequestMapper.Plan.Rejected) stop).reason()).isEqualTo(FinishReason.ERROR);
        SamplingParams nan = new SamplingParams(1f, 0, 1f, 0f, 1f, Float.NaN, 0f, 1L, null, null, false, 0);
        assertThat(((RequestMapper.Plan.Rejected) mapper.plan(req(new int[] {1}, nan, 10, null, false, 0), 1)).reason())
                .isEqualTo(FinishReason.ERROR);
        SamplingParams bias = new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, 0f, 1L, new int[] {1000}, new float[] {1f},
                false, 0);
        assertThat(mapper.plan(req(new int[] {1}, bias, 10, null, false, 0), 1))
                .isInstanceOf(RequestMapper.Plan.Rejected.class);
    }

    @Test
    void aPromptThatFillsTheContextFinishesWithLengthAndMaxTokensIsCapped() {
        RequestMapper.Plan full = mapper.plan(req(new int[64], SamplingParams.greedy(), 10, null, false, 0), 1);
        assertThat(full).isEqualTo(new RequestMapper.Plan.Rejected(FinishReason.LENGTH, null));
        assertThat(enqueued(req(new int[60], SamplingParams.greedy(), 10, null, false, 0)).maxTokens()).isEqualTo(4);
    }

    private float priority(int spi) {
        return enqueued(req(new int[] {1}, SamplingParams.greedy(), 1, null, false, spi)).priority();
    }

    @Test
    void priorityLowerFirstBecomesExecutorPriorityHigherFirst() {
        assertThat(priority(0)).isEqualTo(0.5f);
        assertThat(priority(-4)).isEqualTo(0.7f);
        assertThat(priority(100)).isZero();
        assertThat(priority(-100)).isEqualTo(1f);
    }
}
