package dev.llmstream.frontend;

import dev.llmstream.api.InvalidRequestException;
import dev.llmstream.api.TokenizeApi.DetokenizeRequest;
import dev.llmstream.api.TokenizeApi.DetokenizeResponse;
import dev.llmstream.api.TokenizeApi.TokenizeRequest;
import dev.llmstream.api.TokenizeApi.TokenizeResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's {@code /tokenize} and {@code /detokenize} against the served model's tokenizer and chat
 * template, so clients (e.g. {@code vllm bench serve}) can count and align prompts exactly as the
 * server will. Runs on the worker pool (long prompts). Thread-safe.
 */
public final class Tokenization {
    private final RequestPreparer preparer;

    public Tokenization(RequestPreparer preparer) {
        this.preparer = preparer;
    }

    public TokenizeResponse tokenize(TokenizeRequest req) {
        ModelText text = preparer.text();
        String input;
        if (req.messages() != null) {
            input = preparer.renderChat(req.messages(), req.templateKwargs(), req.addGenerationPrompt());
        } else {
            input = req.prompt();
        }
        int[] ids = text.tokenizer().encode(input, req.addSpecialTokens(), true);
        List<String> strs = null;
        if (req.returnTokenStrs()) {
            strs = new ArrayList<>(ids.length);
            for (int id : ids) {
                strs.add(new String(text.tokenizer().tokenBytes(id), StandardCharsets.UTF_8));
            }
        }
        return new TokenizeResponse(ids.length, preparer.contextLength(), ids, strs);
    }

    public DetokenizeResponse detokenize(DetokenizeRequest req) {
        ModelText text = preparer.text();
        int vocab = text.tokenizer().vocabSize();
        int[] ids = req.tokens();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= vocab) {
                throw new InvalidRequestException("tokens[" + i + "]", "tokens[" + i + "]: token id " + ids[i]
                        + " is outside the vocabulary (size " + vocab + ")");
            }
        }
        return new DetokenizeResponse(text.tokenizer().decode(ids, true));
    }
}
