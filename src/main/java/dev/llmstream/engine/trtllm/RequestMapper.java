package dev.llmstream.engine.trtllm;

import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Maps an SPI {@link EngineRequest} to what the Executor understands, and validates it first:
 * nothing a client sends reaches native code unchecked. Input the engine could never run is not an
 * exception but a {@link Plan.Rejected} value that becomes the request's final output, the way the
 * CPU engine finishes such requests (ERROR for token ids outside the vocabulary, LENGTH for a prompt
 * that fills the context).
 *
 * <p>Mapping rules (the SPI and the Executor differ):
 * <ul>
 *   <li>greedy (temperature 0) is top-k 1 with no temperature, as the Executor expects;</li>
 *   <li>an unseeded sampled request gets a random seed here: the Executor's default seed is a fixed 0,
 *       which would make every unseeded request identical;</li>
 *   <li>the Executor takes ONE end id: the first end-of-generation id; the others and the request's
 *       stop token ids become one-token stop sequences; {@code ignoreEos} sends no end id;</li>
 *   <li>SPI priority (lower first, 0 default) becomes Executor priority 0.5 - 0.05 x priority,
 *       clamped to 0..1 (higher first, 0.5 default);</li>
 *   <li>top-N log-probabilities are not available from the Executor: only the chosen token's.</li>
 * </ul>
 */
final class RequestMapper {

    /** The engine limits the mapping needs. */
    record Limits(int vocabSize, int maxSeqLen) {
    }

    /** What to do with a request. */
    sealed interface Plan permits Plan.Enqueue, Plan.Rejected {
        /** Send it to the engine. */
        record Enqueue(NativeRequest request) implements Plan {
        }

        /** Finish it at once with this reason (and error message for ERROR). */
        record Rejected(FinishReason reason, String error) implements Plan {
        }
    }

    private final Limits limits;
    private final int endId;
    private final int[] extraEndIds;

    RequestMapper(Limits limits, int[] endOfGenerationIds) {
        this.limits = limits;
        List<Integer> valid = new ArrayList<>();
        for (int id : endOfGenerationIds) {
            if (id >= 0 && id < limits.vocabSize() && !valid.contains(id)) {
                valid.add(id);
            }
        }
        this.endId = valid.isEmpty() ? -1 : valid.get(0);
        this.extraEndIds = valid.stream().skip(1).mapToInt(Integer::intValue).toArray();
    }

    /** The end id the Executor gets for requests that honour EOS (-1: none). */
    int endId() {
        return endId;
    }

    Plan plan(EngineRequest r, long clientId) {
        int vocab = limits.vocabSize();
        int[] prompt = r.promptTokens();
        for (int t : prompt) {
            if (t < 0 || t >= vocab) {
                return new Plan.Rejected(FinishReason.ERROR, "prompt token id " + t + " is outside the vocabulary (0.."
                        + (vocab - 1) + ")");
            }
        }
        if (prompt.length >= limits.maxSeqLen()) {
            return new Plan.Rejected(FinishReason.LENGTH, null);
        }
        for (int t : r.stopTokenIds()) {
            if (t < 0 || t >= vocab) {
                return new Plan.Rejected(FinishReason.ERROR, "stop token id " + t + " is outside the vocabulary");
            }
        }
        SamplingParams s = r.sampling();
        if (!Float.isFinite(s.presencePenalty()) || !Float.isFinite(s.frequencyPenalty())) {
            return new Plan.Rejected(FinishReason.ERROR, "presence and frequency penalties must be finite");
        }
        for (int i = 0; i < s.logitBiasCount(); i++) {
            if (s.logitBiasId(i) < 0 || s.logitBiasId(i) >= vocab || !Float.isFinite(s.logitBiasValue(i))) {
                return new Plan.Rejected(FinishReason.ERROR, "logit bias for token " + s.logitBiasId(i)
                        + " is outside the vocabulary or not finite");
            }
        }
        int maxTokens = Math.min(r.maxTokens(), limits.maxSeqLen() - prompt.length);
        int requestEnd = r.ignoreEos() ? -1 : endId;
        int[][] stops = stopSequences(r);

        int set = 0;
        float temperature = 0f;
        int topK = 0;
        float topP = 1f;
        float minP = 0f;
        long seed = 0L;
        if (s.isGreedy()) {
            set |= NativeRequest.TOP_K;
            topK = 1;
        } else {
            set |= NativeRequest.TEMPERATURE | NativeRequest.SEED;
            temperature = s.temperature();
            seed = s.seed() != null ? s.seed() : ThreadLocalRandom.current().nextLong();
            if (s.topK() > 0) {
                set |= NativeRequest.TOP_K;
                topK = s.topK();
            }
            if (s.topP() < 1f) {
                set |= NativeRequest.TOP_P;
                topP = s.topP();
            }
            if (s.minP() > 0f) {
                set |= NativeRequest.MIN_P;
                minP = s.minP();
            }
        }
        if (s.repetitionPenalty() != 1f) {
            set |= NativeRequest.REPETITION_PENALTY;
        }
        if (s.presencePenalty() != 0f) {
            set |= NativeRequest.PRESENCE_PENALTY;
        }
        if (s.frequencyPenalty() != 0f) {
            set |= NativeRequest.FREQUENCY_PENALTY;
        }
        if (r.minTokens() > 0) {
            set |= NativeRequest.MIN_TOKENS;
        }
        float priority = (float) Math.max(0.0, Math.min(1.0, 0.5 - 0.05 * r.priority()));
        return new Plan.Enqueue(new NativeRequest(clientId, prompt, maxTokens, requestEnd, stops, set, temperature,
                topK, topP, minP, s.repetitionPenalty(), s.presencePenalty(), s.frequencyPenalty(),
                Math.min(r.minTokens(), maxTokens), seed, s.logprobs(), priority, r.cacheSalt(), s.logitBiasIds(),
                s.logitBiasValues()));
    }

    private int[][] stopSequences(EngineRequest r) {
        List<int[]> stops = new ArrayList<>();
        if (!r.ignoreEos()) {
            for (int id : extraEndIds) {
                stops.add(new int[] {id});
            }
        }
        for (int id : r.stopTokenIds()) {
            if (stops.stream().noneMatch(x -> x[0] == id) && (r.ignoreEos() || id != endId)) {
                stops.add(new int[] {id});
            }
        }
        return stops.toArray(int[][]::new);
    }

    /** Is {@code token} one that ends {@code r} (so it is reported, not streamed)? */
    boolean isStopToken(EngineRequest r, int token) {
        if (!r.ignoreEos() && (token == endId || contains(extraEndIds, token))) {
            return true;
        }
        return contains(r.stopTokenIds(), token);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
