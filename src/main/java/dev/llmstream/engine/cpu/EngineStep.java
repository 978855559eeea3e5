package dev.llmstream.engine.cpu;

import dev.llmstream.engine.EngineObserver;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.StepEvent;
import dev.llmstream.engine.TokenLogprobs;
import dev.llmstream.engine.core.kv.BlockPool;
import dev.llmstream.engine.core.sampling.Logprobs;
import dev.llmstream.engine.core.sampling.Sampler;
import dev.llmstream.engine.core.scheduler.ScheduledBatch;
import dev.llmstream.engine.core.scheduler.Scheduler;
import dev.llmstream.engine.core.scheduler.Sequence;
import dev.llmstream.engine.cpu.model.ForwardBatch;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine step, run by the engine loop thread only: schedule, build the batch, ONE forward pass
 * over every scheduled token, sample where a sequence caught up, stop checks, one output per
 * request, step event. Also admission and cancellation of sequences between steps.
 */
final class EngineStep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineStep.class);

    private final CpuModel model;
    private final Scheduler scheduler;
    private final BlockPool pool;
    private final ForwardBatch batch;
    private final Sampler sampler;
    private final Logprobs logprobs;
    private final int vocab;
    private final int[] eogIds;
    private int[] logitRow = new int[64];
    private long steps;
    private long promptTokens;
    private long generationTokens;
    private long finished;

    EngineStep(CpuModel model, CpuEngineConfig cfg) {
        this.model = model;
        this.pool = new BlockPool(model.kv().numBlocks(), model.kv().blockSize());
        this.scheduler = new Scheduler(cfg.scheduler(), pool);
        this.batch = new ForwardBatch(cfg.scheduler().maxBatchedTokens(), cfg.scheduler().maxSequences());
        this.vocab = model.config().vocabSize();
        this.sampler = new Sampler(vocab);
        this.logprobs = new Logprobs(vocab);
        this.eogIds = Arrays.stream(cfg.endOfGenerationIds()).filter(id -> id >= 0 && id < vocab).toArray();
    }

    /** A new request enters the waiting queue (or finishes at once if it can never run). */
    void admit(Sequence s) {
        EngineRequest r = s.request();
        for (int t : r.promptTokens()) {
            if (t < 0 || t >= vocab) {
                finish(s, FinishReason.ERROR, -1, "prompt token id " + t + " is outside the vocabulary (0.."
                        + (vocab - 1) + ")", System.nanoTime());
                return;
            }
        }
        if (r.promptLength() >= model.contextLength()) {
            finish(s, FinishReason.LENGTH, -1, null, System.nanoTime());
            return;
        }
        s.sampler().acceptPrompt(r.promptTokens());
        scheduler.add(s);
    }

    void cancel(Sequence s) {
        if (s.status() == Sequence.Status.FINISHED) {
            return;
        }
        scheduler.release(s);
        finish(s, FinishReason.ABORT, -1, null, System.nanoTime());
    }

    /** Runs one step; returns false when there was nothing to do. */
    boolean run(List<EngineObserver> observers) {
        long start = System.nanoTime();
        ScheduledBatch sb = scheduler.schedule(start);
        for (Sequence s : scheduler.finishedByScheduler()) {
            finished++;
            emit(s, new int[0], null, null);
        }
        if (sb.isEmpty()) {
            return !scheduler.finishedByScheduler().isEmpty();
        }
        buildBatch(sb);
        float[] logits = model.forward().forward(batch);
        long now = System.nanoTime();
        String[] ids = new String[sb.size()];
        for (int i = 0; i < sb.size(); i++) {
            Sequence s = sb.sequence(i);
            ids[i] = s.id();
            int n = sb.count(i);
            boolean prefill = s.numComputed() < s.promptLength();
            scheduler.computed(s, n);
            if (prefill) {
                promptTokens += Math.min(n, s.promptLength() - (s.numComputed() - n));
            }
            if (logitRow[i] >= 0) {
                sampleAndEmit(s, logits, logitRow[i] * vocab, now);
            }
        }
        steps++;
        StepEvent ev = new StepEvent(steps, start, System.nanoTime(), sb.prefillTokens(), sb.decodeTokens(), ids,
                scheduler.runningCount(), scheduler.waitingCount(), (double) pool.usedBlocks() / pool.numBlocks());
        for (EngineObserver o : observers) {
            try {
                o.onStep(ev);
            } catch (RuntimeException e) {
                LOG.warn("engine observer failed", e);
            }
        }
        return true;
    }

    private void buildBatch(ScheduledBatch sb) {
        batch.clear();
        if (logitRow.length < sb.size()) {
            logitRow = new int[sb.size() * 2];
        }
        int rows = 0;
        for (int i = 0; i < sb.size(); i++) {
            Sequence s = sb.sequence(i);
            int n = sb.count(i);
            int seq = batch.addSequence(s.blockTable());
            int from = s.numComputed();
            boolean caughtUp = from + n == s.numTokens();
            for (int p = from; p < from + n; p++) {
                batch.addToken(seq, s.token(p), p, caughtUp && p == from + n - 1);
            }
            logitRow[i] = caughtUp ? rows++ : -1;
        }
    }

    private void sampleAndEmit(Sequence s, float[] logits, int off, long now) {
        EngineRequest r = s.request();
        int[] suppress = s.outputLength() < r.minTokens() ? suppressedUntilMin(r) : null;
        int token = sampler.sample(logits, off, r.sampling(), s.sampler(), suppress);
        TokenLogprobs[] lp = r.sampling().logprobs()
                ? new TokenLogprobs[] {logprobs.of(logits, off, token, r.sampling().topLogprobs())} : null;
        s.sampler().accept(token);
        s.append(token);
        s.stampToken(now);
        generationTokens++;
        int out = s.outputLength();
        boolean minReached = out >= r.minTokens();
        if (minReached && ((!r.ignoreEos() && contains(eogIds, token)) || contains(r.stopTokenIds(), token))) {
            finish(s, FinishReason.STOP, token, null, now);
            emit(s, new int[0], lp, null);
        } else if (out >= r.maxTokens() || s.numTokens() >= model.contextLength()) {
            finish(s, FinishReason.LENGTH, -1, null, now);
            emit(s, new int[] {token}, lp, null);
        } else {
            emit(s, new int[] {token}, lp, null);
        }
    }

    private int[] suppressedUntilMin(EngineRequest r) {
        int[] stop = r.stopTokenIds();
        if (r.ignoreEos()) {
            return stop;
        }
        int[] all = Arrays.copyOf(eogIds, eogIds.length + stop.length);
        System.arraycopy(stop, 0, all, eogIds.length, stop.length);
        return all;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private void finish(Sequence s, FinishReason reason, int stopToken, String error, long now) {
        s.finish(reason, stopToken, now);
        scheduler.release(s);
        finished++;
        if (reason == FinishReason.ABORT || reason == FinishReason.ERROR || s.outputLength() == 0
                && reason == FinishReason.LENGTH) {
            emit(s, new int[0], null, error);
        }
    }

    private void emit(Sequence s, int[] tokens, TokenLogprobs[] lp, String error) {
        EngineOutput out = new EngineOutput(s.id(), tokens, lp, s.finishReason(),
                s.finishReason() == null ? -1 : s.stopTokenId(), error, System.nanoTime(), s.metrics());
        try {
            s.listener().onOutput(out);
        } catch (RuntimeException e) {
            LOG.warn("listener of request {} failed", s.id(), e);
        }
    }

    void abortAll() {
        for (Sequence s : scheduler.activeSequences()) {
            finish(s, FinishReason.ABORT, -1, "engine shut down", System.nanoTime());
        }
    }

    void failAll(Throwable cause) {
        for (Sequence s : scheduler.activeSequences()) {
            finish(s, FinishReason.ERROR, -1, "engine failure: " + cause, System.nanoTime());
        }
    }

    void resetCounters() {
        steps = 0;
        promptTokens = 0;
        generationTokens = 0;
        finished = 0;
        scheduler.resetCounters();
    }

    EngineStats stats() {
        return new EngineStats(scheduler.runningCount(), scheduler.waitingCount(), pool.numBlocks(),
                pool.usedBlocks(), scheduler.prefixQueryTokens(), scheduler.prefixHitTokens(),
                scheduler.preemptions(), promptTokens, generationTokens, finished, steps, 0, 0, 0, new long[0]);
    }

    @Override
    public void close() {
        // the model (file, pool) is closed by the engine
    }
}
