package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineOverloadedException;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineUnavailableException;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RecordingListener;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Error propagation through real JNI: failures the mock shim injects (creation, enqueue, an error
 * response, a failed poll) and input Java must stop before it reaches native code.
 */
class TrtllmMockFailuresTest {
    private static final String[] FAULTS = {"vocab_size=1000", "max_seq_len=256", "step_us=200",
        "fail_enqueue_token=999", "error_token=998", "error_after=2"};

    private static EngineRequest req(String id, int first, int n, int max) {
        int[] p = new int[n];
        p[0] = first;
        for (int i = 1; i < n; i++) {
            p[i] = 10 + i;
        }
        return EngineRequest.greedy(id, p, max).withIgnoreEos(true);
    }

    @Test
    void anEnqueueFailureIsTheRequestsErrorFinalNotAnException() throws Exception {
        try (TrtllmEngine e = MockShim.start("enqueue-fail", 8, FAULTS)) {
            RecordingListener l = new RecordingListener();
            e.submit(req("bad", 999, 4, 5), l);
            EngineOutput last = l.await();
            assertThat(last.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(last.error()).contains("invalid argument").contains("injected enqueue failure");
            assertThat(l.finals()).isEqualTo(1);
            // the engine is fine afterwards
            RecordingListener ok = new RecordingListener();
            e.submit(req("ok", 1, 4, 3), ok);
            assertThat(ok.await().finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void anErrorResponseEndsTheRequestWithErrorAfterItsTokens() throws Exception {
        try (TrtllmEngine e = MockShim.start("error-record", 8, FAULTS)) {
            RecordingListener l = new RecordingListener();
            e.submit(req("err", 998, 4, 50), l);
            EngineOutput last = l.await();
            assertThat(last.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(last.error()).contains("injected failure");
            assertThat(l.tokens()).hasSize(2);
            assertThat(l.finals()).isEqualTo(1);
        }
    }

    @Test
    void aRecordLargerThanThePollBufferGrowsItAndLongErrorsAreTruncated() throws Exception {
        MockShim.assumeLoaded();
        String longText = "x".repeat(6000);
        TrtllmConfig c = MockShim.config(MockShim.engineDir("big-record", "vocab_size=1000", "step_us=200",
                "error_token=998", "error_after=0", "error_text=" + longText), 8).withPolling(20, 4096);
        try (TrtllmEngine e = TrtllmEngine.start(c)) {
            RecordingListener l = new RecordingListener();
            e.submit(req("big", 998, 4, 5), l);
            EngineOutput last = l.await();
            assertThat(last.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(last.error()).hasSize(PollBufferDecoder.MAX_ERROR_BYTES).isEqualTo(longText.substring(0, 4096));
            RecordingListener ok = new RecordingListener();
            e.submit(req("after", 1, 4, 3), ok);
            assertThat(ok.await().finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void inputOutsideTheEngineNeverReachesNativeCode() throws Exception {
        try (TrtllmEngine e = MockShim.start("validation", 8, FAULTS)) {
            RecordingListener vocab = new RecordingListener();
            e.submit(req("vocab", 5000, 4, 5), vocab);
            assertThat(vocab.await().finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(vocab.await().error()).contains("outside the vocabulary");

            RecordingListener full = new RecordingListener();
            e.submit(req("full", 1, 256, 5), full);
            assertThat(full.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(full.tokens()).isEmpty();

            RecordingListener capped = new RecordingListener();
            e.submit(req("capped", 1, 250, 100), capped);
            assertThat(capped.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(capped.tokens()).hasSize(6);
        }
    }

    @Test
    void aFullQueueIsAnOverloadException() throws Exception {
        try (TrtllmEngine e = MockShim.start("overload", 2, "vocab_size=512", "max_batch_size=1", "step_us=5000")) {
            e.submit(req("a", 1, 4, 1000), new RecordingListener());
            Thread.sleep(30); // let "a" be scheduled so the queue is empty
            e.submit(req("b", 1, 4, 1000), new RecordingListener());
            e.submit(req("c", 1, 4, 1000), new RecordingListener());
            assertThatThrownBy(() -> e.submit(req("d", 1, 4, 1000), new RecordingListener()))
                    .isInstanceOfSatisfying(EngineOverloadedException.class, x -> assertThat(x.waiting()).isEqualTo(2));
        }
    }

    @Test
    void aFailedPollFailsEveryRequestInFlightAndTheEngine() throws Exception {
        try (TrtllmEngine e = MockShim.start("poll-fail", 8, "vocab_size=1000", "step_us=1000",
                "poll_fail_token=997")) {
            CountDownLatch first = new CountDownLatch(1);
            RecordingListener running = new RecordingListener(o -> first.countDown());
            e.submit(req("running", 1, 4, 100_000), running);
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            RecordingListener trigger = new RecordingListener();
            e.submit(req("trigger", 997, 4, 10), trigger);
            for (RecordingListener l : new RecordingListener[] {running, trigger}) {
                EngineOutput last = l.await();
                assertThat(last.finishReason()).isEqualTo(FinishReason.ERROR);
                assertThat(last.error()).contains("poll failed").contains("injected poll failure");
                assertThat(l.finals()).isEqualTo(1);
            }
            assertThatThrownBy(() -> e.submit(req("after", 1, 4, 4), new RecordingListener()))
                    .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("engine failed");
        }
    }

    @Test
    void creationFailuresSayWhatIsWrong() {
        MockShim.assumeLoaded();
        Path missing = Path.of("target", "trtllm-mock-engines", "does-not-exist");
        assertThatThrownBy(() -> TrtllmEngine.start(MockShim.config(missing, 8)))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("bad engine directory").hasMessageContaining("does not exist");

        Path old = MockShim.engineDir("old-engine", "fail_create=engine plan built by TensorRT-LLM 0.9",
                "fail_create_code=3");
        assertThatThrownBy(() -> TrtllmEngine.start(MockShim.config(old, 8)))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageContaining("version mismatch").hasMessageContaining("0.9");

        Path typo = MockShim.engineDir("typo", "vocab_sise=12");
        assertThatThrownBy(() -> TrtllmEngine.start(MockShim.config(typo, 8)))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("unknown key 'vocab_sise'");

        Path plain = MockShim.engineDir("no-spec");
        TrtllmConfig lookahead = MockShim.config(plain, 8).withSpeculation(new TrtllmConfig.Speculation(
                TrtllmConfig.DecodingMode.LOOKAHEAD, null, null, false, 0, 0, 0));
        assertThatThrownBy(() -> TrtllmEngine.start(lookahead))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("speculative decoding");
    }

    @Test
    void theMockIsRefusedUnlessATestAsksForIt() {
        MockShim.assumeLoaded();
        TrtllmConfig serveLike = TrtllmConfig.of(MockShim.engineDir("serve-like"));
        assertThatThrownBy(() -> TrtllmEngine.start(serveLike))
                .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("CPU mock");
    }
}
