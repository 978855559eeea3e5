package dev.llmstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns request bodies into {@link GenerationRequest}s, checking types and ranges the way OpenAI's
 * API documents them (https://platform.openai.com/docs/api-reference/chat/create and
 * .../completions/create) plus vLLM's sampling extensions ({@code top_k}, {@code min_p},
 * {@code repetition_penalty}, {@code stop_token_ids}, {@code ignore_eos}, {@code min_tokens},
 * {@code chat_template_kwargs}). Unknown fields are ignored, as OpenAI's API does, so newer clients
 * keep working; a known field with a wrong type or value is a 400 naming it.
 */
public final class RequestParser {
    /** OpenAI's limit on {@code n}. */
    public static final int MAX_N = 128;
    /** vLLM's limit on alternatives per position (OpenAI's is 20 too). */
    public static final int MAX_TOP_LOGPROBS = 20;
    public static final int MAX_STOP_STRINGS = 16;
    public static final int MAX_LOGIT_BIAS = 1024;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private RequestParser() {}

    /** A {@code POST /v1/chat/completions} body. */
    public static GenerationRequest chat(JsonNode body) {
        JsonFields f = fields(body);
        JsonNode messages = f.get("messages");
        if (messages == null) {
            throw f.error("messages", "is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw f.error("messages", "expected a non-empty array of message objects");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw new InvalidRequestException(where, where + ": expected an object, got " + JsonFields.kind(m));
            }
            String role = new JsonFields(m, where).string("role");
            if (role == null || !ROLES.contains(role)) {
                throw new InvalidRequestException(where + ".role", where + ".role: expected one of " + ROLES
                        + ", got " + (role == null ? "nothing" : "'" + role + "'"));
            }
        }
        // max_completion_tokens superseded max_tokens in OpenAI's chat API; both are accepted
        String maxParam = f.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        boolean logprobs = f.bool("logprobs", false);
        Integer top = f.integer("top_logprobs", 0, MAX_TOP_LOGPROBS);
        if (top != null && top > 0 && !logprobs) {
            throw f.error("top_logprobs", "requires logprobs to be true");
        }
        return common(f, Endpoint.CHAT, messages, null, null, maxParam, logprobs, top == null ? 0 : top, false);
    }

    /** A {@code POST /v1/completions} body. */
    public static GenerationRequest completion(JsonNode body) {
        JsonFields f = fields(body);
        JsonNode prompt = f.get("prompt");
        if (prompt == null) {
            throw f.error("prompt", "is required");
        }
        String text = null;
        int[] ids = null;
        // OpenAI accepts a string, a token array, or a batch of either; one prompt per request here
        if (prompt.isArray() && prompt.size() == 1 && (prompt.get(0).isTextual() || prompt.get(0).isArray())) {
            prompt = prompt.get(0);
        }
        if (prompt.isTextual()) {
            text = prompt.asText();
        } else if (prompt.isArray()) {
            ids = tokenIds(prompt, "prompt");
            if (ids.length == 0) {
                throw f.error("prompt", "expected a non-empty string or token array");
            }
        } else {
            throw f.error("prompt", "expected a string or an array of token ids, got " + JsonFields.kind(prompt));
        }
        // completions' logprobs is a count of alternatives (0..5 in OpenAI, up to 20 in vLLM)
        Integer lp = f.integer("logprobs", 0, MAX_TOP_LOGPROBS);
        boolean echo = f.bool("echo", false);
        return common(f, Endpoint.COMPLETION, null, text, ids, "max_tokens", lp != null, lp == null ? 0 : lp, echo);
    }

    private static JsonFields fields(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(null, "the request body must be a JSON object");
        }
        return new JsonFields(body, "");
    }

    private static GenerationRequest common(JsonFields f, Endpoint endpoint, JsonNode messages, String text, int[] ids,
                                            String maxParam, boolean logprobs, int topLogprobs, boolean echo) {
        String model = f.string("model");
        boolean stream = f.bool("stream", false);
        boolean includeUsage = false;
        JsonNode so = f.get("stream_options");
        if (so != null) {
            if (!so.isObject()) {
                throw f.error("stream_options", "expected an object, got " + JsonFields.kind(so));
            }
            if (!stream) {
                throw f.error("stream_options", "only allowed when stream is true");
            }
            includeUsage = new JsonFields(so, "stream_options").bool("include_usage", false);
        }
        Integer n = f.integer("n", 1, MAX_N);
        Integer maxTokens = f.integer(maxParam, 1, Integer.MAX_VALUE);
        Integer minTokens = f.integer("min_tokens", 0, Integer.MAX_VALUE);
        if (minTokens != null && maxTokens != null && minTokens > maxTokens) {
            throw f.error("min_tokens", "min_tokens (" + minTokens + ") must not exceed " + maxParam + " ("
                    + maxTokens + ")");
        }
        Integer topK = f.integer("top_k", -1, Integer.MAX_VALUE);
        JsonNode ctk = f.get("chat_template_kwargs");
        if (ctk != null && !ctk.isObject()) {
            throw f.error("chat_template_kwargs", "expected an object, got " + JsonFields.kind(ctk));
        }
        Bias bias = logitBias(f);
        GenerationRequest.Sampling sampling = new GenerationRequest.Sampling(
                f.number("temperature", 1.0, 0, false, 2),
                f.number("top_p", 1.0, 0, true, 1),
                topK == null || topK < 0 ? 0 : topK,
                f.number("min_p", 0, 0, false, 1),
                f.number("presence_penalty", 0, -2, false, 2),
                f.number("frequency_penalty", 0, -2, false, 2),
                f.number("repetition_penalty", 1, 0, true, 2),
                f.longValue("seed"), bias.ids(), bias.values());
        int[] stopIds = f.has("stop_token_ids") ? tokenIds(f.get("stop_token_ids"), "stop_token_ids") : null;
        Integer priority = f.integer("priority", -1_000_000, 1_000_000);
        String[] spec = speculation(f);
        return new GenerationRequest(endpoint, model, messages, text, ids, stream, includeUsage, n == null ? 1 : n,
                maxTokens, maxParam, sampling, stop(f), stopIds, logprobs, topLogprobs, f.bool("ignore_eos", false),
                minTokens == null ? 0 : minTokens, echo, f.string("user"), ctk, priority == null ? 0 : priority,
                f.string("cache_salt"), spec[0], spec[1] == null ? null : Integer.valueOf(spec[1]));
    }

    /**
     * llmstream's extension {@code "speculation": "ngram"} or
     * {@code {"mode": "off"|"ngram"|"draft", "num_tokens": k}}: {mode, k} (nulls when absent).
     */
    private static String[] speculation(JsonFields f) {
        JsonNode s = f.get("speculation");
        if (s == null) {
            return new String[2];
        }
        String mode;
        Integer k = null;
        if (s.isTextual()) {
            mode = s.asText();
        } else if (s.isObject()) {
            JsonFields sf = new JsonFields(s, "speculation");
            mode = sf.string("mode");
            k = sf.integer("num_tokens", 0, 16);
            if (mode == null) {
                mode = "ngram";
            }
        } else {
            throw f.error("speculation", "expected a string or an object, got " + JsonFields.kind(s));
        }
        if (!mode.equals("off") && !mode.equals("ngram") && !mode.equals("draft")) {
            throw new InvalidRequestException(s.isTextual() ? "speculation" : "speculation.mode",
                    "speculation mode must be off, ngram or draft, got '" + mode + "'");
        }
        return new String[] {mode, k == null ? null : k.toString()};
    }

    private static List<String> stop(JsonFields f) {
        JsonNode s = f.get("stop");
        if (s == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray()) {
            if (s.size() > MAX_STOP_STRINGS) {
                throw f.error("stop", "at most " + MAX_STOP_STRINGS + " stop strings, got " + s.size());
            }
            for (int i = 0; i < s.size(); i++) {
                if (!s.get(i).isTextual()) {
                    throw new InvalidRequestException("stop[" + i + "]", "stop[" + i + "]: expected a string, got "
                            + JsonFields.kind(s.get(i)));
                }
                out.add(s.get(i).asText());
            }
        } else {
            throw f.error("stop", "expected a string or an array of strings, got " + JsonFields.kind(s));
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).isEmpty()) {
                throw f.error("stop", "stop strings must not be empty");
            }
        }
        return out;
    }

    /** Non-negative token ids (the vocabulary bound is checked where the model is known). */
    static int[] tokenIds(JsonNode array, String param) {
        if (!array.isArray()) {
            throw new InvalidRequestException(param, param + ": expected an array of token ids, got "
                    + JsonFields.kind(array));
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
                String where = param + "[" + i + "]";
                throw new InvalidRequestException(where, where + ": expected a token id (an integer >= 0), got "
                        + JsonFields.kind(v));
            }
            out[i] = v.intValue();
        }
        return out;
    }

    private record Bias(int[] ids, float[] values) {}

    /** {@code logit_bias}: {"token id": bias in [-100, 100]} (OpenAI's range). */
    private static Bias logitBias(JsonFields f) {
        JsonNode lb = f.get("logit_bias");
        if (lb == null) {
            return new Bias(new int[0], new float[0]);
        }
        if (!lb.isObject()) {
            throw f.error("logit_bias", "expected an object mapping token ids to biases, got " + JsonFields.kind(lb));
        }
        if (lb.size() > MAX_LOGIT_BIAS) {
            throw f.error("logit_bias", "at most " + MAX_LOGIT_BIAS + " entries, got " + lb.size());
        }
        int[] ids = new int[lb.size()];
        float[] values = new float[lb.size()];
        int i = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = lb.properties().iterator(); it.hasNext(); i++) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = "logit_bias." + e.getKey();
            try {
                ids[i] = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                ids[i] = -1;
            }
            if (ids[i] < 0) {
                throw new InvalidRequestException("logit_bias", "logit_bias: keys must be token ids (integers >= 0),"
                        + " got '" + e.getKey() + "'");
            }
            JsonNode v = e.getValue();
            if (!v.isNumber() || v.doubleValue() < -100 || v.doubleValue() > 100) {
                throw new InvalidRequestException("logit_bias", where + ": bias must be a number in [-100, 100], got "
                        + JsonFields.kind(v));
            }
            values[i] = v.floatValue();
        }
        return new Bias(ids, values);
    }
}
