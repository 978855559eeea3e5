package dev.llmstream.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.api.ApiCodec;
import dev.llmstream.api.RequestParser;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.testing.SharedAssets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The mailbox coalesces hops; stop strings end a choice; pause holds output until resume. */
class RequestStreamTest {

    @Test
    void manyOutputsBeforeADrainCostOneHopAndOneDelta() {
        ConcurrentLinkedQueue<Runnable> hops = new ConcurrentLinkedQueue<>();
        List<Integer> drained = new ArrayList<>();
        OutputMailbox box = new OutputMailbox(hops::add, () -> { });
        for (int i = 0; i < 5; i++) {
            box.post(0, output(new int[] {i}, null));
        }
        assertThat(hops).hasSize(1);
        box.drain((c, o) -> drained.add(o.tokens()[0]));
        assertThat(drained).containsExactly(0, 1, 2, 3, 4);
        box.post(0, output(new int[] {9}, null));
        assertThat(hops).hasSize(2);
    }

    static EngineOutput output(int[] tokens, FinishReason finish) {
        RequestMetrics m = new RequestMetrics(1, 2, 3, 4, finish == null ? 0 : 5, 3, 0, tokens.length, 0, 0, 0);
        return new EngineOutput("r-0", tokens, null, finish, -1, null, System.nanoTime(), m);
    }

    @Test
    void stopStringEndsTheChoiceWithStopAndPauseHoldsOutput() throws Exception {
        ModelText text;
        try (GgufFile f = GgufFile.open(SharedAssets.model("stories260K.gguf"))) {
            text = ModelText.fromGguf(f.metadata());
        }
        int[] ids = text.tokenizer().encode("alpha beta gamma", false, false);
        var req = RequestParser.completion(ApiCodec.tree("{\"prompt\":\"x\",\"stop\":[\"beta\"],\"max_tokens\":5}"));
        var prepared = new RequestPreparer(text, 64, text.tokenizer().vocabSize(), 0, Runnable::run)
                .prepare(req, "cmpl-1", System.nanoTime());
        List<ChoiceDelta> deltas = new ArrayList<>();
        List<StreamSummary> done = new ArrayList<>();
        List<Runnable> hops = new ArrayList<>();
        RequestStream s = new RequestStream(prepared, text, hops::add, new RequestStream.Sink() {
            @Override
            public void onDeltas(List<ChoiceDelta> d) {
                deltas.addAll(d);
            }

            @Override
            public void onComplete(StreamSummary summary) {
                done.add(summary);
            }

            @Override
            public void onFailure(String message) {}

            @Override
            public void onCancelled(RequestStream.CancelCause cause) {}
        });
        s.pause();
        var listener = mailboxListener(s);
        for (int id : ids) {
            listener.accept(output(new int[] {id}, null));
        }
        hops.forEach(Runnable::run);
        assertThat(deltas).as("paused: nothing delivered").isEmpty();
        s.resume();
        assertThat(deltas).hasSize(1);
        assertThat(deltas.getFirst().text()).isEqualTo(" alpha "); // a continuation keeps the SPM space
        assertThat(deltas.getFirst().finish()).isEqualTo(FinishReason.STOP);
        assertThat(done).hasSize(1);
        assertThat(done.getFirst().finishReasons()).containsExactly("stop");
    }

    /** Posts into the stream's mailbox as the engine would (choice 0). */
    private static java.util.function.Consumer<EngineOutput> mailboxListener(RequestStream s) throws Exception {
        var f = RequestStream.class.getDeclaredField("mailbox");
        f.setAccessible(true);
        OutputMailbox box = (OutputMailbox) f.get(s);
        return o -> box.post(0, o);
    }
}
