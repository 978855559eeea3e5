package dev.llmstream.engine.trtllm;

import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.engine.TokenLogprobs;
import java.util.Arrays;

/**
 * Turns poll records into SPI {@link EngineOutput}s with the same conventions as the CPU engine, so
 * nothing downstream (frontend, telemetry) knows which engine ran:
 * <ul>
 *   <li>a token that ended the request (the end id, or a stop token the Executor returns with stop
 *       words) is not streamed; it is reported in {@code stopTokenId} and counted as generated;</li>
 *   <li>finish reasons: end id / stop words are STOP, length is LENGTH, cancelled / timed out are
 *       ABORT, an error record is ERROR with its message;</li>
 *   <li>metrics are cumulative: arrival is the frontend's, engine timestamps are converted to
 *       {@code nanoTime} and kept in order, cached prompt tokens come from reused KV blocks.</li>
 * </ul>
 * Runs on the delivering thread only (see {@link InFlightRequest}).
 */
final class OutputAssembler {
    private static final int[] NO_TOKENS = new int[0];

    private final RequestMapper mapper;
    private final EngineClock clock;
    private final int tokensPerBlock;
    private final boolean prefixCaching;
    private final EngineCounters counters;

    OutputAssembler(RequestMapper mapper, EngineClock clock, int tokensPerBlock, boolean prefixCaching,
                    EngineCounters counters) {
        this.mapper = mapper;
        this.clock = clock;
        this.tokensPerBlock = tokensPerBlock;
        this.prefixCaching = prefixCaching;
        this.counters = counters;
    }

    /** The output for one record; null when there is nothing to tell (no tokens, not final). */
    EngineOutput onRecord(InFlightRequest f, PollRecord rec, long now) {
        int[] tokens = rec.tokens();
        float[] lp = rec.logprobs();
        int generated = tokens.length;
        FinishReason reason = null;
        int stopToken = -1;
        String error = null;
        if (rec.isFinal()) {
            reason = finishReason(f, rec);
            if (reason == FinishReason.ERROR) {
                error = rec.error() == null || rec.error().isEmpty() ? "TensorRT-LLM reported an error" : rec.error();
            } else if (reason == FinishReason.STOP) {
                int last = tokens.length == 0 ? -1 : tokens[tokens.length - 1];
                if (last >= 0 && mapper.isStopToken(f.request, last)) {
                    stopToken = last;
                    tokens = Arrays.copyOf(tokens, tokens.length - 1);
                    lp = lp == null ? null : Arrays.copyOf(lp, lp.length - 1);
                } else if (rec.finishReason() == PollRecord.FINISH_END_ID) {
                    stopToken = mapper.endId(); // the Executor does not return the end id: count it
                    generated++;
                }
            }
        }
        f.outputTokens += generated;
        f.decodingIterations = Math.max(f.decodingIterations, rec.decodingIterations());
        counters.generated(generated);
        updateTimes(f, rec, generated, now);
        if (reason == null && tokens.length == 0) {
            return null;
        }
        if (reason != null) {
            finishCounters(f);
        }
        return new EngineOutput(f.request.id(), tokens, logprobs(f, tokens, lp), reason, stopToken, error, now,
                metrics(f, reason != null ? now : 0));
    }

    /** A final output decided on the Java side (validation, shutdown, engine failure). */
    EngineOutput finalOutput(InFlightRequest f, FinishReason reason, String error, long now) {
        finishCounters(f);
        return new EngineOutput(f.request.id(), NO_TOKENS, null, reason, -1,
                reason == FinishReason.ERROR ? error : null, now, metrics(f, now));
    }

    private FinishReason finishReason(InFlightRequest f, PollRecord rec) {
        if (rec.hasError()) {
            return FinishReason.ERROR;
        }
        return switch (rec.finishReason()) {
            case PollRecord.FINISH_END_ID, PollRecord.FINISH_STOP_WORDS -> FinishReason.STOP;
            case PollRecord.FINISH_LENGTH -> FinishReason.LENGTH;
            case PollRecord.FINISH_CANCELLED, PollRecord.FINISH_TIMED_OUT -> FinishReason.ABORT;
            // a final record without a reason: the Executor stopped it; say why as best we can
            default -> f.outputTokens + rec.tokens().length >= f.request.maxTokens() ? FinishReason.LENGTH
                    : f.cancelRequested() ? FinishReason.ABORT : FinishReason.STOP;
        };
    }

    private void updateTimes(InFlightRequest f, PollRecord rec, int generated, long now) {
        PerfBlock p = rec.perf();
        long arrival = f.request.arrivalNanos();
        if (rec.hasPerf()) {
            if (p.firstScheduledNs() > 0) {
                f.scheduledNanos = clock.toNanoTime(p.firstScheduledNs());
                f.scheduled = true;
            }
            if (p.firstTokenNs() > 0) {
                f.firstTokenNanos = clock.toNanoTime(p.firstTokenNs());
            }
            if (p.lastTokenNs() > 0) {
                f.lastTokenNanos = clock.toNanoTime(p.lastTokenNs());
            }
            if (p.kvReusedBlocks() >= 0) {
                f.cachedPromptTokens = MetricsMath.cachedPromptTokens(p.kvReusedBlocks(), tokensPerBlock,
                        f.request.promptLength());
            }
            f.draftedTokens = Math.max(f.draftedTokens, p.specDraftTokens());
            f.acceptedTokens = Math.max(f.acceptedTokens, p.specAcceptedTokens());
        }
        // without a perf block, the poller's clock is the best we have
        if (generated > 0) {
            f.scheduled = true;
            if (f.scheduledNanos == 0) {
                f.scheduledNanos = f.enqueuedNanos() != 0 ? f.enqueuedNanos() : now;
            }
            if (f.firstTokenNanos == 0) {
                f.firstTokenNanos = now;
            }
            if (!rec.hasPerf() || p.lastTokenNs() <= 0) {
                f.lastTokenNanos = now;
            }
        }
        f.scheduledNanos = MetricsMath.notBefore(f.scheduledNanos, arrival);
        f.firstTokenNanos = MetricsMath.notBefore(f.firstTokenNanos, Math.max(arrival, f.scheduledNanos));
        f.lastTokenNanos = MetricsMath.notBefore(f.lastTokenNanos, f.firstTokenNanos);
    }

    private void finishCounters(InFlightRequest f) {
        counters.finished(f.scheduled, f.request.promptLength(), f.cachedPromptTokens, prefixCaching,
                f.decodingIterations, f.draftedTokens, f.acceptedTokens);
    }

    private RequestMetrics metrics(InFlightRequest f, long finishedNanos) {
        return new RequestMetrics(f.request.arrivalNanos(), f.scheduledNanos, f.firstTokenNanos, f.lastTokenNanos,
                finishedNanos, f.request.promptLength(), f.cachedPromptTokens, f.outputTokens, 0, f.draftedTokens,
                f.acceptedTokens);
    }

    private static TokenLogprobs[] logprobs(InFlightRequest f, int[] tokens, float[] lp) {
        if (!f.request.sampling().logprobs() || lp == null || lp.length != tokens.length) {
            return null;
        }
        TokenLogprobs[] out = new TokenLogprobs[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = new TokenLogprobs(tokens[i], lp[i], NO_TOKENS, new float[0]);
        }
        return out;
    }
}
