package dev.llmstream.frontend;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.api.GenerationRequest;
import dev.llmstream.api.InvalidRequestException;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.frontend.template.ChatMessage;
import dev.llmstream.frontend.template.ChatMessagesJson;
import dev.llmstream.frontend.template.ChatTemplateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Request → prompt ids → engine requests, the CPU-heavy half of the frontend (chat template
 * rendering and tokenization of possibly long prompts), so it runs on a worker pool, never on an
 * event loop. Also checks what needs the model: token ids inside the vocabulary, and
 * {@code prompt + max_tokens <= context} (400 {@code context_length_exceeded}, as OpenAI and vLLM
 * answer). Thread-safe.
 */
public final class RequestPreparer {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Odd 64-bit constant (golden ratio) spreading per-choice seeds apart. */
    private static final long SEED_STEP = 0x9E3779B97F4A7C15L;
    private static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {};

    private final ModelText text;
    private final int contextLength;
    private final int vocabSize;
    private final int defaultMaxTokens;
    private final Executor workers;

    /**
     * @param defaultMaxTokens output limit when a request sets none (0: whatever the context leaves)
     * @param workers          the tokenizer pool
     */
    public RequestPreparer(ModelText text, int contextLength, int vocabSize, int defaultMaxTokens, Executor workers) {
        this.text = text;
        this.contextLength = contextLength;
        this.vocabSize = vocabSize;
        this.defaultMaxTokens = defaultMaxTokens;
        this.workers = workers;
    }

    public ModelText text() {
        return text;
    }

    public int contextLength() {
        return contextLength;
    }

    /** {@link #prepare} on the worker pool. */
    public CompletableFuture<PreparedRequest> prepareAsync(GenerationRequest req, String requestId, long arrivalNanos) {
        return CompletableFuture.supplyAsync(() -> prepare(req, requestId, arrivalNanos), workers);
    }

    /**
     * Renders and tokenizes the prompt and builds one engine request per choice.
     *
     * @throws InvalidRequestException for input that needs the model to be judged bad
     */
    public PreparedRequest prepare(GenerationRequest req, String requestId, long arrivalNanos) {
        int[] prompt;
        String promptParam;
        if (req.isChat()) {
            prompt = text.encodePrompt(renderChat(req.messages(), req.templateKwargs(), true));
            promptParam = "messages";
        } else if (req.promptIds() != null) {
            prompt = req.promptIds();
            checkIds(prompt, "prompt");
            promptParam = "prompt";
        } else {
            prompt = text.encodePrompt(req.prompt());
            promptParam = "prompt";
        }
        if (prompt.length == 0) {
            throw new InvalidRequestException(promptParam, promptParam + ": the prompt is empty");
        }
        checkIds(req.stopTokenIds(), "stop_token_ids");
        checkIds(req.sampling().logitBiasIds(), "logit_bias");
        int maxTokens = maxTokens(req, prompt.length, promptParam);
        String echo = req.echo() ? (req.prompt() != null ? req.prompt() : text.tokenizer().decode(prompt, true)) : null;
        List<EngineRequest> choices = new ArrayList<>(req.n());
        for (int i = 0; i < req.n(); i++) {
            choices.add(new EngineRequest(requestId + "-" + i, prompt, sampling(req, i), maxTokens,
                    Math.min(req.minTokens(), maxTokens), req.stopTokenIds(), req.ignoreEos(), req.priority(),
                    speculation(req), cacheSalt(req.cacheSalt()), arrivalNanos));
        }
        return new PreparedRequest(requestId, req, prompt, List.copyOf(choices), echo);
    }

    static SpeculationParams speculation(GenerationRequest req) {
        if (req.speculationMode() == null) {
            return SpeculationParams.DEFAULT;
        }
        SpeculationParams.Mode mode = switch (req.speculationMode()) {
            case "off" -> SpeculationParams.Mode.OFF;
            case "draft" -> SpeculationParams.Mode.DRAFT;
            default -> SpeculationParams.Mode.NGRAM;
        };
        return new SpeculationParams(mode, req.speculationTokens() == null ? 0 : req.speculationTokens());
    }

    /** A 64-bit salt from the tenant's string (0 = shared cache). */
    static long cacheSalt(String salt) {
        if (salt == null || salt.isEmpty()) {
            return 0L;
        }
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : salt.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h == 0 ? 1 : h;
    }

    /** The chat prompt text; message and template errors are 400s naming the message. */
    String renderChat(JsonNode messagesJson, JsonNode kwargs, boolean addGenerationPrompt) {
        List<ChatMessage> messages;
        try {
            messages = ChatMessagesJson.parse(messagesJson);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? "invalid messages" : e.getMessage();
            int colon = msg.indexOf(':');
            throw new InvalidRequestException(colon > 0 ? msg.substring(0, colon) : "messages", msg);
        }
        Map<String, Object> vars = kwargs == null ? Map.of() : JSON.convertValue(kwargs, MAP_TYPE);
        try {
            return text.template().render(messages, addGenerationPrompt, vars);
        } catch (ChatTemplateException e) {
            throw new InvalidRequestException("messages", "messages: the chat template rejected them: " + e.getMessage());
        }
    }

    private int maxTokens(GenerationRequest req, int promptLength, String promptParam) {
        int room = contextLength - promptLength;
        if (room < 1) {
            throw new InvalidRequestException(promptParam, InvalidRequestException.CONTEXT_LENGTH_EXCEEDED,
                    "This model's maximum context length is " + contextLength + " tokens, but the prompt has "
                            + promptLength + " tokens (no room for output). Please shorten the " + promptParam + ".");
        }
        if (req.maxTokens() == null) {
            return defaultMaxTokens > 0 ? Math.min(defaultMaxTokens, room) : room;
        }
        if (req.maxTokens() > room) {
            throw new InvalidRequestException(req.maxTokensParam(), InvalidRequestException.CONTEXT_LENGTH_EXCEEDED,
                    "This model's maximum context length is " + contextLength + " tokens. However, you requested "
                            + (promptLength + (long) req.maxTokens()) + " tokens (" + promptLength + " in the "
                            + promptParam + ", " + req.maxTokens() + " for the completion). Please reduce the "
                            + promptParam + " or " + req.maxTokensParam() + ".");
        }
        return req.maxTokens();
    }

    /**
     * Engine sampling of choice {@code i}. With a seed, choice 0 uses it as given and choice i a
     * value derived from it deterministically, so n choices differ yet a repeated request repeats.
     */
    private static SamplingParams sampling(GenerationRequest req, int i) {
        GenerationRequest.Sampling s = req.sampling();
        Long seed = s.seed() == null ? null : s.seed() + i * SEED_STEP;
        return new SamplingParams((float) s.temperature(), s.topK(), (float) s.topP(), (float) s.minP(),
                (float) s.repetitionPenalty(), (float) s.presencePenalty(), (float) s.frequencyPenalty(), seed,
                s.logitBiasIds(), s.logitBiasValues(), req.logprobs(), req.topLogprobs());
    }

    private void checkIds(int[] ids, String param) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= vocabSize) {
                String where = param.equals("logit_bias") ? param : param + "[" + i + "]";
                throw new InvalidRequestException(where, where + ": token id " + ids[i]
                        + " is outside the vocabulary (size " + vocabSize + ")");
            }
        }
    }
}
