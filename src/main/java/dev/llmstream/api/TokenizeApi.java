package dev.llmstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * vLLM's {@code POST /tokenize} and {@code POST /detokenize} shapes, which {@code vllm bench serve}
 * and other tools call to align prompts with the server's tokenizer. A tokenize body has either
 * {@code prompt} (with {@code add_special_tokens}, default true) or chat {@code messages} (rendered
 * by the chat template with {@code add_generation_prompt}, default true; {@code add_special_tokens}
 * defaults to false there because the template writes the special tokens itself).
 */
public final class TokenizeApi {
    private TokenizeApi() {}

    public record TokenizeRequest(String model, String prompt, JsonNode messages, boolean addSpecialTokens,
                                  boolean addGenerationPrompt, boolean returnTokenStrs, JsonNode templateKwargs) {}

    public record TokenizeResponse(int count, int maxModelLen, int[] tokens,
                                   @JsonInclude(JsonInclude.Include.ALWAYS) List<String> tokenStrs) {}

    public record DetokenizeRequest(String model, int[] tokens) {}

    public record DetokenizeResponse(String prompt) {}

    public static TokenizeRequest tokenize(JsonNode body) {
        JsonFields f = body(body);
        String prompt = f.string("prompt");
        JsonNode messages = f.get("messages");
        if ((prompt == null) == (messages == null)) {
            throw f.error(prompt == null ? "prompt" : "messages", "send exactly one of prompt or messages");
        }
        if (messages != null && (!messages.isArray() || messages.isEmpty())) {
            throw f.error("messages", "expected a non-empty array of message objects");
        }
        JsonNode kwargs = f.get("chat_template_kwargs");
        if (kwargs != null && !kwargs.isObject()) {
            throw f.error("chat_template_kwargs", "expected an object, got " + JsonFields.kind(kwargs));
        }
        return new TokenizeRequest(f.string("model"), prompt, messages, f.bool("add_special_tokens", prompt != null),
                f.bool("add_generation_prompt", true), f.bool("return_token_strs", false), kwargs);
    }

    public static DetokenizeRequest detokenize(JsonNode body) {
        JsonFields f = body(body);
        JsonNode tokens = f.get("tokens");
        if (tokens == null) {
            throw f.error("tokens", "is required");
        }
        return new DetokenizeRequest(f.string("model"), RequestParser.tokenIds(tokens, "tokens"));
    }

    private static JsonFields body(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(null, "the request body must be a JSON object");
        }
        return new JsonFields(body, "");
    }
}
