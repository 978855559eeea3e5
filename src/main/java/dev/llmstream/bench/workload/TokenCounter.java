package dev.llmstream.bench.workload;

import java.io.IOException;

/**
 * Counts the tokens of a text the way the server under test would, to build prompts of an exact length
 * and to count output when the server sends no usage. Counts are of the text alone: no BOS/EOS, no chat
 * template (vLLM's random dataset also sizes the raw prompt; the server adds its own specials).
 * Implementations are thread-safe.
 */
public interface TokenCounter {

    /** How counts are obtained; the report names it so readers know whether lengths are exact. */
    enum Method {
        /** vLLM-shaped {@code POST /tokenize {"model","prompt"} -> {"tokens","count"}} of the server. */
        SERVER_TOKENIZE("server /tokenize (vLLM form)", true),
        /** llama.cpp-shaped {@code POST /tokenize {"content"} -> {"tokens"}} of the server. */
        SERVER_TOKENIZE_LLAMACPP("server /tokenize (llama.cpp form)", true),
        /** The tokenizer of a local GGUF file ({@code --tokenizer}), token-for-token equal to llama.cpp's. */
        LOCAL_GGUF("local GGUF tokenizer", true),
        /** No tokenizer: one token per generated word (see {@link WordTokenCounter}). */
        WORDS_APPROX("approximate: one token per word (no tokenizer available)", false);

        private final String description;
        private final boolean exact;

        Method(String description, boolean exact) {
            this.description = description;
            this.exact = exact;
        }

        public String description() {
            return description;
        }

        /** Whether counts are the server's own (or an identical tokenizer's). */
        public boolean exact() {
            return exact;
        }

        /** Name used in JSON reports. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Tokens in {@code text}, special tokens not added. */
    int count(String text) throws IOException;

    Method method();
}
