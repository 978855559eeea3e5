package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.EngineInfo;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RecordingListener;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.engine.StepEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The engine-agnostic telemetry fields, filled from the shim's perf blocks through real JNI: TTFT and
 * TPOT, end-of-generation reporting, prefix-cache hits (and salt isolation), speculative-decoding
 * counts, log-probabilities, step events and the engine info.
 */
class TrtllmMockMetricsTest {
    private static final int EOS = 5;

    private static int[] prompt(int n, int salt) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = 10 + (i * 7 + salt) % 400;
        }
        return p;
    }

    private static EngineRequest req(String id, int[] prompt, int max, boolean ignoreEos, long salt, boolean logprobs) {
        SamplingParams s = logprobs ? new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, null, null, null, true, 0)
                : SamplingParams.greedy();
        return new EngineRequest(id, prompt, s, max, 0, null, ignoreEos, 0, SpeculationParams.DEFAULT, salt,
                System.nanoTime());
    }

    private static TrtllmEngine start(String name, TrtllmConfig.Speculation spec, String... cfg) {
        MockShim.assumeLoaded();
        TrtllmConfig c = MockShim.config(MockShim.engineDir(name, cfg), 8).withEndOfGenerationIds(new int[] {EOS})
                .withSpeculation(spec);
        return TrtllmEngine.start(c);
    }

    @Test
    void timingsAndTheEndOfGenerationToken() throws Exception {
        try (TrtllmEngine e = start("eos", TrtllmConfig.Speculation.NONE, "vocab_size=512", "step_us=1000",
                "eos_at=4")) {
            RecordingListener l = new RecordingListener();
            e.submit(req("eos", prompt(20, 0), 50, false, 0, false), l);
            EngineOutput last = l.await();
            assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(last.stopTokenId()).isEqualTo(EOS);
            assertThat(l.tokens()).hasSize(3).doesNotContain(EOS);
            RequestMetrics m = last.metrics();
            assertThat(m.outputTokens()).isEqualTo(4);
            assertThat(m.promptTokens()).isEqualTo(20);
            assertThat(m.queueNanos()).isNotNegative();
            assertThat(m.ttftNanos()).isPositive();
            assertThat(m.prefillNanos()).isNotNegative();
            assertThat(m.tpotNanos()).isPositive();
            assertThat(m.finishedNanos()).isGreaterThanOrEqualTo(m.lastTokenNanos());

            RecordingListener ignore = new RecordingListener();
            e.submit(req("ignore", prompt(20, 0), 6, true, 0, false), ignore);
            assertThat(ignore.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(ignore.tokens()).hasSize(6);
        }
    }

    @Test
    void aRepeatedPromptHitsThePrefixCacheUnlessTheSaltDiffers() throws Exception {
        try (TrtllmEngine e = start("reuse", TrtllmConfig.Speculation.NONE, "vocab_size=512", "tokens_per_block=16",
                "step_us=200")) {
            int[] p = prompt(64, 3);
            RequestMetrics[] m = new RequestMetrics[3];
            long[] salts = {0, 0, 42};
            for (int i = 0; i < 3; i++) {
                RecordingListener l = new RecordingListener();
                e.submit(req("p" + i, p, 4, true, salts[i], false), l);
                m[i] = l.await().metrics();
            }
            assertThat(m[0].cachedPromptTokens()).isZero();
            assertThat(m[1].cachedPromptTokens()).isEqualTo(48); // 3 full blocks: the last token is recomputed
            assertThat(m[1].kvHitRatio()).isEqualTo(0.75);
            assertThat(m[2].cachedPromptTokens()).isZero();
            EngineStats s = e.stats();
            assertThat(s.prefixQueryTokens()).isEqualTo(192);
            assertThat(s.prefixHitTokens()).isEqualTo(48);
            assertThat(s.promptTokens()).isEqualTo(192 - 48);
            assertThat(s.prefixHitRate()).isEqualTo(0.25);
        }
    }

    @Test
    void speculativeDecodingCountsDraftsAndAcceptance() throws Exception {
        TrtllmConfig.Speculation lookahead = new TrtllmConfig.Speculation(TrtllmConfig.DecodingMode.LOOKAHEAD, null,
                null, false, 4, 3, 4);
        try (TrtllmEngine e = start("spec", lookahead, "vocab_size=512", "step_us=200", "spec_draft_len=3")) {
            assertThat(e.info().speculation()).isEqualTo("lookahead");
            RecordingListener l = new RecordingListener();
            e.submit(req("spec", prompt(16, 1), 40, true, 0, false), l);
            EngineOutput last = l.await();
            assertThat(last.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(l.tokens()).hasSize(40);
            RequestMetrics m = last.metrics();
            assertThat(m.draftedTokens()).isPositive();
            assertThat(m.acceptedTokens()).isBetween(0, m.draftedTokens());
            // more than one token per decoding step whenever a draft was accepted
            assertThat(l.outputs().stream().anyMatch(o -> o.tokens().length > 1)).isEqualTo(m.acceptedTokens() > 0);
            EngineStats s = e.stats();
            assertThat(s.specDraftedTokens()).isEqualTo(m.draftedTokens());
            assertThat(s.specAcceptedTokens()).isEqualTo(m.acceptedTokens());
            assertThat(s.specDrafts()).isPositive();
        }
    }

    @Test
    void logprobsComeWithEveryStreamedToken() throws Exception {
        try (TrtllmEngine e = start("logprobs", TrtllmConfig.Speculation.NONE, "vocab_size=512", "step_us=100")) {
            RecordingListener l = new RecordingListener();
            e.submit(req("lp", prompt(8, 2), 5, true, 0, true), l);
            l.await();
            for (EngineOutput o : l.outputs()) {
                assertThat(o.logprobs()).hasSize(o.tokens().length);
                for (int i = 0; i < o.tokens().length; i++) {
                    assertThat(o.logprobs()[i].token()).isEqualTo(o.tokens()[i]);
                    assertThat(o.logprobs()[i].logprob()).isNegative();
                }
            }
        }
    }

    @Test
    void observersSeeOneStepEventPerIteration() throws Exception {
        try (TrtllmEngine e = start("steps", TrtllmConfig.Speculation.NONE, "vocab_size=512", "step_us=200")) {
            List<StepEvent> events = new CopyOnWriteArrayList<>();
            e.addObserver(events::add);
            e.addObserver(ev -> {
                throw new IllegalStateException("a broken observer must not hurt the engine");
            });
            RecordingListener l = new RecordingListener();
            e.submit(req("steps", prompt(40, 4), 10, true, 0, false), l);
            l.await();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (events.stream().mapToInt(StepEvent::prefillTokens).sum() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(events).isNotEmpty();
            assertThat(events.stream().mapToInt(StepEvent::prefillTokens).sum()).isEqualTo(40);
            assertThat(events.stream().mapToInt(StepEvent::decodeTokens).sum()).isEqualTo(9);
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).step()).isGreaterThan(events.get(i - 1).step());
            }
            assertThat(events.getFirst().durationNanos()).isPositive();
        }
    }

    @Test
    void engineInfoReportsTheEnginesLimits() throws Exception {
        try (TrtllmEngine e = start("info", TrtllmConfig.Speculation.NONE, "vocab_size=777", "max_seq_len=1024",
                "max_batch_size=3", "max_num_tokens=512", "kv_blocks=99", "tokens_per_block=32")) {
            EngineInfo i = e.info();
            assertThat(i.engine()).isEqualTo("trtllm");
            assertThat(i.model()).startsWith("info-");
            assertThat(i.vocabSize()).isEqualTo(777);
            assertThat(i.contextLength()).isEqualTo(1024);
            assertThat(i.maxSequences()).isEqualTo(3);
            assertThat(i.maxBatchedTokens()).isEqualTo(512);
            assertThat(i.kvBlocks()).isEqualTo(99);
            assertThat(i.kvBlockSize()).isEqualTo(32);
            assertThat(i.prefixCaching()).isTrue();
            assertThat(i.speculation()).isEqualTo("none");
            assertThat(e.isMock()).isTrue();
            assertThat(e.stats().kvBlocksTotal()).isEqualTo(99);
        }
    }
}
