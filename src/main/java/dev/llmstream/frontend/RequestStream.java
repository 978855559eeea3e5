package dev.llmstream.frontend;

import dev.llmstream.engine.EngineException;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.engine.RequestHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The output side of one generation request (all its choices), independent of HTTP: engine outputs
 * come in through an {@link OutputMailbox}, are decoded per choice ({@link ChoiceDecoder}) and leave
 * as at most one {@link Sink#onDeltas} call per drain, followed by exactly one terminal call. The
 * server's sink writes SSE chunks or aggregates a JSON body — one pipeline for both.
 *
 * <p>Everything except the engine listeners runs on the consumer's thread (the request's event
 * loop), which {@code hop} executes on. {@link #pause()} stops draining while the client cannot
 * take more; outputs then accumulate in the mailbox (the engine never waits) and leave in one batch
 * on {@link #resume()}.
 */
public final class RequestStream {

    /** Why the server cancelled a request. */
    public enum CancelCause {
        /** The client closed the connection or a write failed: nothing more is sent. */
        CLIENT_GONE,
        /** The per-request timeout fired. */
        TIMEOUT,
        /** The server is shutting down and the drain timeout passed (or the engine stopped). */
        SHUTDOWN
    }

    /** Receives the decoded output; all calls on the consumer's thread. */
    public interface Sink {
        /** New text per choice (merged per choice, in choice order); finishing deltas included. */
        void onDeltas(List<ChoiceDelta> deltas);

        /** Every choice finished with stop or length. Terminal. */
        void onComplete(StreamSummary summary);

        /** The engine failed the request. Terminal. */
        void onFailure(String message);

        /** The request was cancelled (by {@link #cancel} or by the engine stopping). Terminal. */
        void onCancelled(CancelCause cause);

        /**
         * Timing of one engine output of {@code choice}: {@code tokens} new tokens, {@code gapNanos}
         * after the choice's previous output (its first output reports the tokens beyond the first, gap 0).
         * Telemetry's per-token inter-token latency; called during the drain, before {@link #onDeltas}.
         */
        default void onTokens(int choice, int tokens, long gapNanos) {}
    }

    private final PreparedRequest prepared;
    private final Sink sink;
    private final ChoiceDecoder[] decoders;
    private final RequestHandle[] handles;
    private final OutputMailbox mailbox;
    private final ChoiceDelta[] pending;
    private final long[] lastOutputNanos;
    private boolean paused;
    private boolean done;
    private CancelCause cancelCause;
    private String failure;

    public RequestStream(PreparedRequest prepared, ModelText text, Executor hop, Sink sink) {
        this.prepared = Objects.requireNonNull(prepared, "prepared");
        this.sink = Objects.requireNonNull(sink, "sink");
        int n = prepared.choices().size();
        this.decoders = new ChoiceDecoder[n];
        this.handles = new RequestHandle[n];
        this.pending = new ChoiceDelta[n];
        this.lastOutputNanos = new long[n];
        var req = prepared.request();
        for (int i = 0; i < n; i++) {
            decoders[i] = new ChoiceDecoder(i, text, req.stop(), req.logprobs(), prepared.echoText());
        }
        this.mailbox = new OutputMailbox(hop, this::onMailbox);
    }

    /**
     * Submits every choice. If the engine refuses one (overloaded, unavailable), the ones already
     * submitted are cancelled, the stream is closed without any sink call, and the exception is
     * rethrown for the caller to answer (429 / 503) — nothing was sent yet.
     */
    public void start(InferenceEngine engine) {
        for (int i = 0; i < handles.length; i++) {
            try {
                handles[i] = engine.submit(prepared.choices().get(i), mailbox.listener(i));
            } catch (EngineException e) {
                done = true;
                cancelHandles();
                throw e;
            }
        }
    }

    /** Cancels every choice in the engine (idempotent); the sink then gets {@link Sink#onCancelled}. */
    public void cancel(CancelCause cause) {
        if (done || cancelCause != null) {
            return;
        }
        cancelCause = cause;
        cancelHandles();
        if (cause == CancelCause.CLIENT_GONE) {
            // nobody reads any more: finish now instead of waiting for the engine's ABORT outputs
            done = true;
            sink.onCancelled(cause);
        }
    }

    /** Stop draining (the client's write queue is full). */
    public void pause() {
        paused = true;
    }

    /** Drain again, at once, everything that accumulated. */
    public void resume() {
        paused = false;
        onMailbox();
    }

    public boolean isDone() {
        return done;
    }

    public PreparedRequest prepared() {
        return prepared;
    }

    private void cancelHandles() {
        for (RequestHandle h : handles) {
            if (h != null) {
                h.cancel();
            }
        }
    }

    /** Runs on the consumer's thread, at most once per batch of engine outputs. */
    private void onMailbox() {
        if (done || paused) {
            return;
        }
        mailbox.drain(this::accept);
        List<ChoiceDelta> out = new ArrayList<>(pending.length);
        for (int i = 0; i < pending.length; i++) {
            if (pending[i] != null) {
                out.add(pending[i]);
                pending[i] = null;
            }
        }
        if (!out.isEmpty()) {
            sink.onDeltas(out);
        }
        finishIfDone();
    }

    private void accept(int choice, EngineOutput output) {
        timeTokens(choice, output);
        ChoiceDecoder d = decoders[choice];
        ChoiceDelta delta = d.accept(output);
        if (delta == null) {
            return;
        }
        if (d.stoppedByString() && !output.finished() && handles[choice] != null) {
            handles[choice].cancel(); // the engine would keep generating text nobody will see
        }
        switch (delta.finish()) {
            case ERROR -> {
                if (failure == null) {
                    failure = delta.error() == null ? "the engine failed" : delta.error();
                }
                return; // no text from a failed choice
            }
            case ABORT -> {
                if (cancelCause == null) {
                    cancelCause = CancelCause.SHUTDOWN; // the engine stopped on its own
                }
                return;
            }
            case null, default -> { }
        }
        pending[choice] = pending[choice] == null ? delta : pending[choice].then(delta);
    }

    /**
     * Inter-token timing from the engine's timestamps (several tokens per output under speculation).
     * The tokens' own stamp ({@link dev.llmstream.engine.RequestMetrics#lastTokenNanos()}, when they
     * were produced) is preferred to the output's emit time, so a choice's gaps add up exactly to its
     * decode time and agree with its TPOT.
     */
    private void timeTokens(int choice, EngineOutput output) {
        int k = output.tokens().length;
        if (k == 0 || decoders[choice].finished()) {
            return;
        }
        long at = output.metrics() != null && output.metrics().lastTokenNanos() != 0
                ? output.metrics().lastTokenNanos() : output.timeNanos();
        long prev = lastOutputNanos[choice];
        lastOutputNanos[choice] = at;
        if (prev != 0) {
            sink.onTokens(choice, k, at - prev);
        } else if (k > 1) {
            sink.onTokens(choice, k - 1, 0);
        }
    }

    private void finishIfDone() {
        if (done) {
            return;
        }
        if (failure != null) {
            done = true;
            cancelHandles();
            sink.onFailure(failure);
            return;
        }
        boolean all = true;
        boolean aborted = false;
        for (ChoiceDecoder d : decoders) {
            all &= d.finished();
            aborted |= d.finish() == FinishReason.ABORT;
        }
        if (aborted || (cancelCause != null && all)) {
            done = true;
            cancelHandles();
            sink.onCancelled(cancelCause == null ? CancelCause.SHUTDOWN : cancelCause);
        } else if (all) {
            done = true;
            sink.onComplete(summary());
        }
    }

    private StreamSummary summary() {
        List<StreamSummary.Choice> choices = new ArrayList<>(decoders.length);
        for (ChoiceDecoder d : decoders) {
            choices.add(new StreamSummary.Choice(d.index(), d.finish(), d.completionTokens(), d.metrics()));
        }
        ChoiceDecoder first = decoders[0];
        return new StreamSummary(Usages.usage(prepared.promptTokens(), decoders),
                Usages.metrics(first.metrics(), first.completionTokens(), first.endNanos()), choices);
    }
}
