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
import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.engine.core.spec.DraftProbabilities;
import dev.llmstream.engine.core.spec.NgramProposer;
import dev.llmstream.engine.core.spec.SpecConfig;
import dev.llmstream.engine.core.spec.SpecPolicy;
import dev.llmstream.engine.core.spec.SpecVerifier;
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
    private final SpecConfig spec;
    private final SpecPolicy policy;
    private final NgramProposer ngram;
    private final SpecVerifier verifier;
    private int[] emitted = new int[32];
    private long specDrafts;
    private long specDrafted;
    private long specAccepted;
    private final long[] specAcceptedPerPosition;
    private final DraftModelProposer draftProposer;
    private final dev.llmstream.engine.core.scheduler.PrefillPacer pacer;
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
        this.spec = cfg.spec();
        this.policy = new SpecPolicy(spec.maxDraftTokens(), spec.maxBatch(), 16);
        this.ngram = new NgramProposer(spec.ngramMin(), spec.ngramMax());
        this.verifier = new SpecVerifier(sampler, vocab);
        this.specAcceptedPerPosition = new long[Math.max(1, spec.maxDraftTokens())];
        this.draftProposer = spec.draftModel() == null ? null : loadDraft(model, cfg);
        this.pacer = new dev.llmstream.engine.core.scheduler.PrefillPacer(cfg.maxStepMillis() * 1_000_000L,
                cfg.scheduler().maxBatchedTokens());
    }

    private static DraftModelProposer loadDraft(CpuModel target, CpuEngineConfig cfg) {
        try {
            // the draft's KV holds the speculating sequences (at most maxBatch) at full context
            long perToken = dev.llmstream.engine.cpu.kv.KvStorage.bytesPerBlock(target.config().nLayer(), 1,
                    target.config().kvDim());
            long kvBytes = Math.min(target.kvBytes() / 2, perToken * target.contextLength() * (cfg.spec().maxBatch() + 1L));
            CpuModel draft = CpuModel.loadDraft(cfg.spec().draftModel(), target.pool(), kvBytes, cfg.blockSize(),
                    cfg.scheduler().maxBatchedTokens(), 64, target.contextLength(), target.config().vocabSize(),
                    cfg.numerics());
            return new DraftModelProposer(draft, target.config().vocabSize());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot load draft model " + cfg.spec().draftModel(), e);
        }
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
        proposeDrafts();
        scheduler.setPrefillBudget(pacer.budget(scheduler.decodingCount() > 0));
        ScheduledBatch sb = scheduler.schedule(start);
        for (Sequence s : scheduler.finishedByScheduler()) {
            finished++;
            if (draftProposer != null) {
                draftProposer.release(s);
            }
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
            if (s.numComputed() < s.promptLength()) {
                promptTokens += Math.min(n, s.promptLength() - s.numComputed());
            }
            if (logitRow[i] < 0) {
                scheduler.computed(s, n);
            } else {
                verifyAndEmit(s, n, logits, logitRow[i], now);
            }
        }
        steps++;
        long end = System.nanoTime();
        pacer.record(end - start, sb.prefillTokens(), sb.decodeTokens());
        StepEvent ev = new StepEvent(steps, start, end, sb.prefillTokens(), sb.decodeTokens(), ids,
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
            int seq = batch.addSequence(s.blockTable(), s.promptLength());
            int from = s.numComputed();
            int real = s.numTokens();
            boolean caughtUp = from + n >= real;
            for (int p = from; p < from + n; p++) {
                boolean logits = caughtUp && p >= real - 1;
                batch.addToken(seq, p < real ? s.token(p) : s.draft(p - real), p, logits);
            }
            if (caughtUp) {
                logitRow[i] = rows;
                rows += from + n - (real - 1);
            } else {
                logitRow[i] = -1;
            }
        }
    }

    /**
     * The sequence caught up in this step: sample its next token — or verify its drafts, keeping the
     * accepted ones — then apply the stop rules token by token and emit one output.
     */
    private void verifyAndEmit(Sequence s, int n, float[] logits, int firstRow, long now) {
        EngineRequest r = s.request();
        int nDrafts = s.isDecoding() ? Math.max(0, n - 1) : 0;
        if (emitted.length < nDrafts + 1) {
            emitted = new int[nDrafts + 1];
        }
        int outputBefore = s.outputLength();
        int count = verifier.verify(logits, firstRow, s.drafts(), nDrafts,
                DraftProbabilities.pointMass(s.drafts()), r.sampling(), s.sampler(), outputBefore, r.minTokens(),
                suppressedUntilMin(r), emitted);
        int accepted = count - 1;
        // accepted drafts become real tokens whose KV this step computed; then the new last token
        for (int j = 0; j < accepted; j++) {
            s.append(emitted[j]);
        }
        scheduler.computed(s, n - nDrafts + accepted);
        s.append(emitted[accepted]);
        s.setDrafts(0);
        if (nDrafts > 0) {
            scheduler.trimBlocks(s);
            recordSpeculation(s, nDrafts, accepted);
        }
        if (draftProposer != null) {
            draftProposer.afterVerify(s);
        }
        TokenLogprobs[] lp = r.sampling().logprobs() ? new TokenLogprobs[count] : null;
        int keep = count;
        FinishReason reason = null;
        int stopToken = -1;
        for (int j = 0; j < count; j++) {
            int token = emitted[j];
            if (lp != null) {
                lp[j] = logprobs.of(logits, (firstRow + j) * vocab, token, r.sampling().topLogprobs());
            }
            int out = outputBefore + j + 1;
            boolean minReached = out >= r.minTokens();
            if (minReached && ((!r.ignoreEos() && contains(eogIds, token)) || contains(r.stopTokenIds(), token))) {
                reason = FinishReason.STOP;
                stopToken = token;
                keep = j;
                s.truncate(s.promptLength() + out);
                break;
            }
            if (out >= r.maxTokens() || s.promptLength() + out >= model.contextLength()) {
                reason = FinishReason.LENGTH;
                keep = j + 1;
                s.truncate(s.promptLength() + out);
                break;
            }
        }
        generationTokens += keep + (reason == FinishReason.STOP ? 1 : 0);
        s.stampToken(now);
        int[] tokens = Arrays.copyOf(emitted, keep);
        TokenLogprobs[] lps = lp == null ? null : Arrays.copyOf(lp, reason == FinishReason.STOP ? keep + 1 : keep);
        if (reason != null) {
            finish(s, reason, stopToken, null, now);
        }
        emit(s, tokens, lps, null);
    }

    private void recordSpeculation(Sequence s, int drafted, int accepted) {
        s.addSpeculation(drafted, accepted);
        s.specState().record(drafted, accepted);
        specDrafts++;
        specDrafted += drafted;
        specAccepted += accepted;
        for (int j = 0; j < accepted && j < specAcceptedPerPosition.length; j++) {
            specAcceptedPerPosition[j]++;
        }
    }

    /** Drafts for running decoding sequences that speculate (n-gram prompt lookup). */
    private void proposeDrafts() {
        if (spec.maxDraftTokens() == 0) {
            return;
        }
        int decoding = 0;
        for (Sequence s : scheduler.running()) {
            if (s.isDecoding()) {
                decoding++;
            }
        }
        List<Sequence> drafted = new java.util.ArrayList<>();
        int[] draftKs = new int[scheduler.running().size()];
        for (Sequence s : scheduler.running()) {
            s.setDrafts(0);
            if (!s.isDecoding()) {
                continue;
            }
            EngineRequest r = s.request();
            SpeculationParams.Mode mode = spec.resolve(r.speculation());
            if (mode == SpeculationParams.Mode.OFF) {
                continue;
            }
            int k = policy.draftLength(s.specState(), r.speculation().draftTokens(), decoding);
            int room = Math.min(r.maxTokens() - s.outputLength() - 1, model.contextLength() - s.numTokens() - 1);
            k = Math.min(k, room);
            if (k <= 0) {
                continue;
            }
            if (mode == SpeculationParams.Mode.DRAFT && draftProposer != null) {
                draftKs[drafted.size()] = k;
                drafted.add(s);
            } else {
                s.setDrafts(ngram.propose(s.tokens(), s.numTokens(), k, s.draftBuffer(k)));
            }
        }
        if (!drafted.isEmpty()) {
            draftProposer.propose(drafted, draftKs);
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
        if (draftProposer != null) {
            draftProposer.release(s);
        }
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
        specDrafts = 0;
        specDrafted = 0;
        specAccepted = 0;
        Arrays.fill(specAcceptedPerPosition, 0);
        promptTokens = 0;
        generationTokens = 0;
        finished = 0;
        scheduler.resetCounters();
    }

    EngineStats stats() {
        return new EngineStats(scheduler.runningCount(), scheduler.waitingCount(), pool.numBlocks(),
                pool.usedBlocks(), scheduler.prefixQueryTokens(), scheduler.prefixHitTokens(),
                scheduler.preemptions(), promptTokens, generationTokens, finished, steps, specDrafts, specDrafted,
                specAccepted, specAcceptedPerPosition);
    }

    @Override
    public void close() {
        // the target model (file, pool) is closed by the engine; the draft shares its pool
        if (draftProposer != null) {
            draftProposer.close();
        }
    }
}
